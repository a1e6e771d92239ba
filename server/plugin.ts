import type { Plugin } from 'vite'

/** Options of the Verify Desk server side, mounted in `vite` dev and in `vite preview` (`npm run serve`). */
export interface VerifyDeskOptions {
  /**
   * Path prefix under which the embedded Verify v1 sandbox is served.
   * @default '/sandbox'
   */
  sandboxBase?: string
  /**
   * Path prefix of the credential-injecting proxy the SPA calls.
   * @default '/api'
   */
  apiBase?: string
}

export const defaultOptions: Required<VerifyDeskOptions> = {
  sandboxBase: '/sandbox',
  apiBase: '/api',
}

/** The Vite plugin that mounts the sandbox and the proxy, alike in dev and in the production server. */
export function verifyDesk(options: VerifyDeskOptions = {}): Plugin {
  const resolved = { ...defaultOptions, ...options }
  void resolved
  return {
    name: 'verify-desk:server',
  }
}
