/**
 * How the pages the sandbox's event stream keeps current (the request page, the Handset) say that
 * it is away: one text for a lost connection, another for a refused access token, which is no
 * network problem (the app asks for the token meanwhile). A page adds what it does meanwhile (the
 * request page, that it reads the request again) after the text.
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
