/**
 * A strict well-formedness check of the sandbox's XML answers (XML 1.0, no DTD, no attributes,
 * no comments or processing instructions: none of which the API's documents have). Throws an
 * Error naming the first problem and its offset.
 */
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
const NAME = /^[A-Za-z_][A-Za-z0-9._-]*/
const REFERENCE = /^&(?:(lt|gt|amp|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/

/** Whether a code point is a `Char` of XML 1.0 (§2.2). */
export function isXmlChar(cp: number): boolean {
  return (
    cp === 0x9 ||
    cp === 0xa ||
    cp === 0xd ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  )
}

export function expectWellFormedXml(doc: string): void {
  const fail = (why: string, at: number): never => {
    throw new Error(`not well-formed XML at ${at}: ${why} in ${JSON.stringify(doc.slice(0, 400))}`)
  }
  for (let i = 0; i < doc.length; i++) {
    const cp = doc.codePointAt(i) as number
    if (!isXmlChar(cp)) fail(`character U+${cp.toString(16).toUpperCase()} is not allowed`, i)
    if (cp > 0xffff) i++
  }
  if (!doc.startsWith(DECLARATION)) fail('no <?xml version="1.0" encoding="UTF-8"?>', 0)
  let i = DECLARATION.length
  const stack: string[] = []
  let roots = 0
  while (i < doc.length) {
    const c = doc[i] as string
    if (c === '<') {
      const closing = doc[i + 1] === '/'
      const name = NAME.exec(doc.slice(i + (closing ? 2 : 1)))?.[0]
      if (!name) fail('a tag without a valid name', i)
      i += (closing ? 2 : 1) + (name as string).length
      while (/[ \t\r\n]/.test(doc[i] ?? '')) i++
      if (closing) {
        if (doc[i] !== '>') fail('a broken end tag', i)
        if (stack.pop() !== name) fail(`</${name}> closes nothing open`, i)
        i++
      } else if (doc.startsWith('/>', i)) {
        if (stack.length === 0) roots++
        i += 2
      } else if (doc[i] === '>') {
        if (stack.length === 0) roots++
        stack.push(name as string)
        i++
      } else fail('an attribute or a broken start tag', i)
      if (roots > 1) fail('a second root element', i)
      continue
    }
    if (stack.length === 0 && !/[ \t\r\n]/.test(c)) fail('text outside the root element', i)
    if (c === '&') {
      const ref = REFERENCE.exec(doc.slice(i, i + 12))
      if (!ref) fail('an & that starts no reference', i)
      const code = ref?.[2] ? Number(ref[2]) : ref?.[3] ? parseInt(ref[3], 16) : null
      if (code !== null && !isXmlChar(code)) fail(`a reference to U+${code.toString(16)}`, i)
      i += (ref as RegExpExecArray)[0].length
      continue
    }
    if (c === '>' && doc.startsWith(']]>', i - 2)) fail(']]> in text', i)
    i++
  }
  if (stack.length > 0) fail(`<${stack.join('>, <')}> never closed`, doc.length)
  if (roots !== 1) fail('no root element', doc.length)
}
