/** The short form of a request_id used in messages (`…62a2d3`). */
export function shortId(id: string): string {
  return `…${id.slice(-6)}`
}
