/**
 * The security decisions of the Electron layer as small pure functions over plain strings, so they
 * can be unit-tested under Node without Electron. window.ts and ipc.ts only wire them up.
 */

/** Where the app's own page comes from. */
export interface AppOrigin {
  /** `file://` URL of the built renderer's index.html (production). */
  rendererFileUrl: string
  /** The electron-vite dev server URL (ELECTRON_RENDERER_URL), in development only. */
  devServerUrl?: string | null | undefined
}

function parseUrl(value: unknown): URL | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > 8192) return null
  try {
    return new URL(value)
  } catch {
    return null
  }
}

function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return null
  }
}

/** The dev server's origin (`http://localhost:5173`), or null when there is none or it is not http(s). */
export function devServerOrigin(devServerUrl: string | null | undefined): string | null {
  const url = parseUrl(devServerUrl)
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null
  return url.origin
}

/**
 * True when `candidate` is our own page: the exact built index.html over file:// (any query or
 * hash), or any URL on the dev server's origin in development. Every other file:// path, other
 * origins, about:, data:, javascript:, blob: and unparsable strings are refused.
 */
export function isAppUrl(candidate: string, app: AppOrigin): boolean {
  const url = parseUrl(candidate)
  if (!url) return false

  if (url.protocol === 'file:') {
    const page = parseUrl(app.rendererFileUrl)
    if (!page || page.protocol !== 'file:') return false
    // Both go through the URL parser (which resolves `..` segments); Chromium and Node may
    // percent-encode a path differently, so the decoded paths are compared.
    const wanted = decodePath(page.pathname)
    return wanted !== null && url.host === page.host && decodePath(url.pathname) === wanted
  }

  const dev = devServerOrigin(app.devServerUrl)
  if (dev !== null && (url.protocol === 'http:' || url.protocol === 'https:')) {
    return url.origin === dev
  }
  return false
}

/**
 * The URL to hand to the operating system's browser, or null when it must not leave the app:
 * only http(s) links are opened externally (never file:, javascript:, custom schemes, …).
 */
export function externalUrlToOpen(candidate: string): string | null {
  const url = parseUrl(candidate)
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null
  if (url.hostname === '') return null
  return url.href
}

/** Permissions the app page may be granted. The softphone needs the microphone (`media`). */
export const allowedPermissions: ReadonlySet<string> = new Set(['media'])

export interface PermissionRequest {
  /** Electron's permission name (`media`, `geolocation`, `notifications`, …). */
  permission: string
  /** URL of the frame asking; permissions are only ever granted to our own page. */
  requestingUrl: string
}

export function isPermissionAllowed(request: PermissionRequest, app: AppOrigin): boolean {
  return allowedPermissions.has(request.permission) && isAppUrl(request.requestingUrl, app)
}

/**
 * The Content-Security-Policy for the app page. In development the page is served by the Vite dev
 * server: its origin and its HMR WebSocket must be reachable, and @vitejs/plugin-react injects an
 * inline React Refresh preamble, so `script-src` also allows inline scripts in dev only.
 */
export function contentSecurityPolicy(devServerUrl?: string | null): string {
  const dev = devServerOrigin(devServerUrl)
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:']],
    ['connect-src', ["'self'"]],
  ]
  if (dev !== null) {
    const ws = dev.replace(/^http/, 'ws')
    for (const [name, sources] of directives) {
      if (name === 'script-src') sources.push(dev, "'unsafe-inline'")
      if (name === 'connect-src') sources.push(dev, ws)
    }
  }
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ')
}
