/**
 * Carries the AgentApi transport over Electron IPC: renderer calls go to the services' router
 * (which validates every call against the contract), services events go to every app window.
 */
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import type { Result } from '../../shared/errors'
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../shared/ipc/agent-api'
import type { MainServices } from '../services/main-services.types'
import { attachedMediaEngine } from '../services/phone/media-engine-tracking'
import { isAppUrl, type AppOrigin } from './security-policy'

const refused: Result<never> = {
  ok: false,
  error: { code: 'forbidden', message: 'AgentApi is only available to the app page' },
}

/** The frame behind an IPC message is our own page (not a navigated-away, foreign or gone frame). */
function isTrustedSender(event: IpcMainInvokeEvent, app: AppOrigin): boolean {
  const frame = event.senderFrame
  if (!frame) return false
  return isAppUrl(frame.url, app)
}

/** Wires the AgentApi to IPC; returns a function that undoes it. */
export function registerAgentApiIpc(services: MainServices, app: AppOrigin): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown) => {
    if (!isTrustedSender(event, app)) {
      console.warn(`[ipc] refused AgentApi call ${String(method).slice(0, 100)} from ${event.senderFrame?.url ?? '(no frame)'}`)
      return refused
    }
    const result = await services.router.invoke(method, input)
    const mediaEngine = attachedMediaEngine(method, input, result)
    if (mediaEngine) followMediaEngine(event.sender, mediaEngine)
    return result
  })

  /** The media window's renderer crashing or closing ends its engine; a reload attaches a new one. */
  const followed = new WeakSet<WebContents>()
  const engineOf = new WeakMap<WebContents, string>()
  function followMediaEngine(contents: WebContents, mediaId: string): void {
    engineOf.set(contents, mediaId)
    if (followed.has(contents)) return
    followed.add(contents)
    const gone = () => {
      const current = engineOf.get(contents)
      if (current) services.mediaEngineGone(current)
    }
    contents.on('render-process-gone', gone)
    contents.once('destroyed', gone)
  }

  const unsubscribe = services.onEvent((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (win.isDestroyed()) continue
      const contents = win.webContents
      if (contents.isDestroyed()) continue
      // A window that is not showing our page (e.g. still loading, or crashed) gets nothing.
      if (!isAppUrl(contents.getURL(), app)) continue
      contents.send(IPC_EVENT_CHANNEL, event, payload)
    }
  })

  return () => {
    unsubscribe()
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL)
  }
}
