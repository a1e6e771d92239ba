/**
 * The fields of a `multipart/form-data` body (curl -F, Postman's form-data), read with the web
 * `Response`; the caller already held its size to the body limit. A file part counts with its
 * text. Throws when the body cannot be read (a missing or wrong boundary, a cut part).
 */
export async function formFields(
  contentType: string,
  bytes: Uint8Array,
): Promise<Array<[string, string]>> {
  const form = await new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { 'content-type': contentType },
  }).formData()
  const fields: Array<[string, string]> = []
  for (const [name, value] of form) {
    fields.push([name, typeof value === 'string' ? value : await value.text()])
  }
  return fields
}
