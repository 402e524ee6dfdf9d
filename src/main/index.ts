/**
 * Electron composition root: starts the services (which know nothing of Electron), carries the
 * AgentApi over IPC and opens the main window.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, dialog } from 'electron'
import { createMainServices } from './services/main-services'
import type { MainServices } from './services/main-services.types'
import { registerAgentApiIpc } from './platform/ipc'
import type { AppOrigin } from './platform/security-policy'
import { osSecretCipher } from './platform/secret-cipher'
import { acquireSingleInstance } from './platform/single-instance'
import { createMainWindow, installSecurity } from './platform/window'
import { keepMediaWindowOpen } from './platform/media-window'
import { registerPhoneHotkeys } from './platform/phone-hotkeys'

/** How long quitting waits for the services to shut down cleanly. */
const DISPOSE_TIMEOUT_MS = 5000

let mainWindow: BrowserWindow | null = null
let services: MainServices | null = null
let unregisterIpc: (() => void) | null = null
let closeMediaWindow: (() => void) | null = null
let unregisterHotkeys: (() => void) | null = null
let quitting: 'no' | 'disposing' | 'done' = 'no'

const origin: AppOrigin = {
  rendererFileUrl: pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href,
  // electron-vite sets this in development; a packaged app never loads a page from elsewhere.
  devServerUrl: app.isPackaged ? null : (process.env['ELECTRON_RENDERER_URL'] ?? null),
}
const preloadPath = join(import.meta.dirname, '../preload/index.cjs')

function openMainWindow(): void {
  const win = createMainWindow({ preloadPath, origin })
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null
    // The hidden media window keeps window-all-closed from firing: the main window decides.
    if (process.platform !== 'darwin' && quitting === 'no') app.quit()
  })
  mainWindow = win
}

async function start(): Promise<void> {
  installSecurity(origin)
  const started = await createMainServices({
    dataDir: app.getPath('userData'),
    appVersion: app.getVersion(),
    host: 'electron',
    defaultServerUrl: process.env['OMNI_SERVER_URL'] ?? 'http://127.0.0.1:3800',
    secretCipher: osSecretCipher(),
  })
  if (quitting !== 'no') {
    // The app was asked to quit while the services were starting.
    await started.dispose()
    return
  }
  services = started
  unregisterIpc = registerAgentApiIpc(started, origin)
  closeMediaWindow = keepMediaWindowOpen({ preloadPath, origin })
  unregisterHotkeys = registerPhoneHotkeys(started)
  openMainWindow()
}

async function shutdown(): Promise<void> {
  unregisterHotkeys?.()
  unregisterHotkeys = null
  closeMediaWindow?.()
  closeMediaWindow = null
  unregisterIpc?.()
  unregisterIpc = null
  const running = services
  services = null
  if (!running) return
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      console.warn('[main] services did not stop in time; quitting anyway')
      resolve()
    }, DISPOSE_TIMEOUT_MS)
  })
  try {
    await Promise.race([running.dispose(), timeout])
  } catch (err) {
    console.error('[main] error while stopping services:', err)
  } finally {
    clearTimeout(timer)
  }
}

if (!acquireSingleInstance(() => mainWindow)) {
  app.quit()
} else {
  app.whenReady().then(start).catch((err: unknown) => {
    console.error('[main] startup failed:', err)
    dialog.showErrorBox('座席工作台无法启动', err instanceof Error ? err.message : String(err))
    app.exit(1)
  })

  app.on('activate', () => {
    // macOS: clicking the dock icon with no window open brings one back.
    if (services && !mainWindow) openMainWindow()
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  // Services are stopped before the process exits: hold the quit until dispose() settles.
  app.on('before-quit', (event) => {
    if (quitting === 'done') return
    event.preventDefault()
    if (quitting === 'disposing') return
    quitting = 'disposing'
    void shutdown().finally(() => {
      quitting = 'done'
      app.quit()
    })
  })
}
