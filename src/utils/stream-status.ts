/**
 * How the pages the sandbox's event stream keeps current (the request page, the Handset) say that
 * it is away: one text for a lost connection, another for a refused access token, which is no
 * network problem (the app asks for the token meanwhile).
 */

/**
 * No live update reaches this tab: the stream failed or dropped, or the tab holding it for every
 * tab went quiet. Tried again by itself, waiting longer each time. Calls to the server may well
 * work meanwhile: this says nothing of them.
 */
export const STREAM_LOST_TEXT = 'Live updates paused, reconnecting…'
/** The server refused the access token: the stream is tried again once the token is entered. */
export const STREAM_REFUSED_TEXT =
  'Live updates wait for the access token: they resume once it is entered.'

/** What a page says while the stream is away: `lost` (a network problem) or `refused`. */
export function streamTroubleText(trouble: 'lost' | 'refused'): string {
  return trouble === 'refused' ? STREAM_REFUSED_TEXT : STREAM_LOST_TEXT
}
