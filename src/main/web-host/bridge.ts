import { timingSafeEqual } from 'node:crypto'
import type { WebSocket } from 'ws'
import {
  BRIDGE_CLOSE_BAD_SECRET,
  BRIDGE_CLOSE_PROTOCOL,
  PageToHostSchema,
  type HostToPage,
} from '../../shared/ipc/bridge-protocol'
import type { MainServices } from '../services/main-services.types'
import { attachedMediaEngine } from '../services/phone/media-engine-tracking'

const HELLO_TIMEOUT_MS = 5_000

/**
 * Serves AgentApi to one browser page over its WebSocket, after the page has shown the launch
 * secret. Anything that is not a well-formed frame closes the socket; a call with bad arguments
 * gets the router's invalid_argument answer like any IPC call.
 */
export function serveBridge(socket: WebSocket, services: MainServices, secret: string): void {
  let unsubscribe: (() => void) | undefined
  /** The media engine this page attached as, if it did. */
  let mediaEngine: string | null = null
  const send = (frame: HostToPage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
  }
  const helloTimer = setTimeout(() => socket.close(BRIDGE_CLOSE_BAD_SECRET, 'No hello'), HELLO_TIMEOUT_MS)

  socket.on('message', (data, isBinary) => {
    const frame = isBinary ? undefined : parseFrame(data.toString())
    if (!frame) {
      socket.close(BRIDGE_CLOSE_PROTOCOL, 'Malformed frame')
      return
    }
    if (!unsubscribe) {
      if (frame.t !== 'hello' || !secretMatches(frame.secret, secret)) {
        socket.close(BRIDGE_CLOSE_BAD_SECRET, 'Not authorised')
        return
      }
      clearTimeout(helloTimer)
      unsubscribe = services.onEvent((event, payload) => send({ t: 'event', event, payload }))
      send({ t: 'ready' })
      return
    }
    if (frame.t !== 'call') {
      socket.close(BRIDGE_CLOSE_PROTOCOL, 'Unexpected frame')
      return
    }
    void services.router.invoke(frame.method, frame.input).then((result) => {
      mediaEngine = attachedMediaEngine(frame.method, frame.input, result) ?? mediaEngine
      send({ t: 'result', id: frame.id, result })
    })
  })
  socket.on('close', () => {
    clearTimeout(helloTimer)
    unsubscribe?.()
    // The page (or its tab) is gone: if it carried the calls' audio, the phone must know.
    if (mediaEngine) services.mediaEngineGone(mediaEngine)
  })
  socket.on('error', () => socket.terminate())
}

function parseFrame(text: string) {
  try {
    const parsed = PageToHostSchema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

function secretMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
