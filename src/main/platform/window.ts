/**
 * The main window and the security settings every page of the app lives under.
 */
import { app, BrowserWindow, session, shell, type WebContents } from 'electron'
import { contentSecurityPolicy, externalUrlToOpen, isAppUrl, isPermissionAllowed, type AppOrigin } from './security-policy'

export interface MainWindowOptions {
  /** Absolute path of the built preload script (CommonJS). */
  preloadPath: string
  /** Our page and, in development, the dev server. */
  origin: AppOrigin
}

function openExternally(url: string): void {
  const target = externalUrlToOpen(url)
  if (target === null) return
  shell.openExternal(target).catch((err: unknown) => {
    console.warn('[window] could not open link in the browser:', err)
  })
}

/** Blocks navigation away from the app, new windows and <webview> on one WebContents. */
function hardenWebContents(contents: WebContents, origin: AppOrigin): void {
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url, origin)) return
    event.preventDefault()
    openExternally(url)
  })
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url)
    return { action: 'deny' }
  })
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
  })
}

/**
 * Session-wide and app-wide protections: the Content-Security-Policy header, the permission
 * policy, and hardening of every WebContents ever created. Call once, after `app` is ready and
 * before the first window.
 */
export function installSecurity(origin: AppOrigin): void {
  const ses = session.defaultSession
  const csp = contentSecurityPolicy(origin.devServerUrl)

  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {}
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value
    }
    headers['Content-Security-Policy'] = [csp]
    callback({ responseHeaders: headers })
  })

  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const allowed = isPermissionAllowed({ permission, requestingUrl: details.requestingUrl }, origin)
    if (!allowed) console.warn(`[window] denied permission ${permission} to ${details.requestingUrl}`)
    callback(allowed)
  })
  ses.setPermissionCheckHandler((_contents, permission, _requestingOrigin, details) =>
    isPermissionAllowed({ permission, requestingUrl: details.requestingUrl ?? '' }, origin),
  )

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, origin))
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 640,
    title: '座席工作台',
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })

  win.once('ready-to-show', () => win.show())
  // Show the window even if the page fails to load, so the agent is not left with nothing.
  win.webContents.once('did-fail-load', () => {
    if (!win.isDestroyed() && !win.isVisible()) win.show()
  })

  const { devServerUrl, rendererFileUrl } = options.origin
  const url = devServerUrl ? devServerUrl : rendererFileUrl
  win.loadURL(url).catch((err: unknown) => {
    console.error(`[window] could not load ${url}:`, err)
  })
  return win
}
