/**
 * The hidden window that holds the softphone's audio (WebRTC exists only in a Chromium context).
 * It loads the app page in its media role (`#media`), which runs only the media engine: so the
 * agent can reload or close the main window without cutting a call's audio. If its renderer
 * dies it is opened again and attaches as the new engine; main keeps the calls meanwhile.
 */
import { BrowserWindow } from 'electron'
import { MEDIA_WINDOW_HASH } from '../../shared/ipc/phone-media'
import type { AppOrigin } from './security-policy'

const REOPEN_DELAY_MS = 1_000

export interface MediaWindowOptions {
  preloadPath: string
  origin: AppOrigin
}

/** Opens the media window and keeps it open until the returned function is called. */
export function keepMediaWindowOpen(options: MediaWindowOptions): () => void {
  let win: BrowserWindow | null = null
  let stopped = false
  let reopenTimer: NodeJS.Timeout | undefined

  const open = () => {
    if (stopped) return
    const current = new BrowserWindow({
      show: false,
      width: 320,
      height: 240,
      title: '座席工作台 · 音频',
      webPreferences: {
        preload: options.preloadPath,
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        // Audio must keep flowing while the window is hidden.
        backgroundThrottling: false,
        spellcheck: false,
      },
    })
    win = current
    const reopen = () => {
      if (win !== current) return
      win = null
      if (!current.isDestroyed()) current.destroy()
      if (!stopped) reopenTimer = setTimeout(open, REOPEN_DELAY_MS)
    }
    current.webContents.on('render-process-gone', reopen)
    current.on('closed', reopen)
    const base = options.origin.devServerUrl ?? options.origin.rendererFileUrl
    current.loadURL(`${base}${MEDIA_WINDOW_HASH}`).catch((err: unknown) => {
      console.error('[media-window] could not load the media page:', err)
      reopen()
    })
  }
  open()

  return () => {
    stopped = true
    clearTimeout(reopenTimer)
    const current = win
    win = null
    if (current && !current.isDestroyed()) current.destroy()
  }
}
