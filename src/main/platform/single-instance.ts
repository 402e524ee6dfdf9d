/**
 * One desktop per user session: a second launch focuses the running window and exits.
 */
import { app, type BrowserWindow } from 'electron'

/**
 * Takes the single-instance lock. Returns false when another instance already holds it; the caller
 * should then quit without creating anything. `getWindow` is asked for the window to bring forward
 * when someone launches the app again.
 */
export function acquireSingleInstance(getWindow: () => BrowserWindow | null): boolean {
  if (!app.requestSingleInstanceLock()) return false
  app.on('second-instance', () => {
    const win = getWindow()
    if (!win || win.isDestroyed()) return
    if (win.isMinimized()) win.restore()
    if (!win.isVisible()) win.show()
    win.focus()
  })
  return true
}
