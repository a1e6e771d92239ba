/**
 * Waiting for a state in the component tests: the page reaches it through work that takes
 * milliseconds on an idle machine (IndexedDB, the client's one retry after 300 ms, the address
 * written 250 ms after typing) and seconds on a busy one. The one helper all suites share.
 */
export { EVENTUALLY_MS, eventually } from '../../support/eventually'
