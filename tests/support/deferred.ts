/**
 * A promise and the function that settles it: a test hands `promise` to a mocked call and says
 * when it answers (`resolve`), to see what the app shows while the call is on its way.
 */
export function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}
