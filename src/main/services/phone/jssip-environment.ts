/**
 * JsSIP reads its WebRTC and WebSocket classes from globals (window.RTCPeerConnection,
 * RTCPeerConnection, RTCSessionDescription, WebSocket) and has no option to pass them in.
 * The main process has none of them, so before JsSIP is used we install: the `ws` WebSocket
 * (Node 20 has none), and the stand-in peer connection that forwards to the media engine.
 * `window` is set to an object holding only RTCPeerConnection: enough for JsSIP's checks, and
 * not enough for other libraries to believe they run in a browser.
 */
import WebSocket from 'ws'
import { RemotePeerConnection, RemoteSessionDescription } from './remote-peer-connection'

let installed = false

export function installJsSipEnvironment(): void {
  if (installed) return
  installed = true
  const g = globalThis as Record<string, unknown>
  g.WebSocket ??= WebSocket
  g.RTCPeerConnection = RemotePeerConnection
  g.RTCSessionDescription = RemoteSessionDescription
  if (g.window === undefined) g.window = { RTCPeerConnection: RemotePeerConnection }
  else (g.window as Record<string, unknown>).RTCPeerConnection ??= RemotePeerConnection
}
