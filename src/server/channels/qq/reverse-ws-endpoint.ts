/**
 * Where OneBot implementations connect in (communication/ws-reverse.md), on the central server's
 * own port: `/onebot/v11/ws` (any role), with `/api` and `/event` variants. socket.io listens for
 * upgrades on the same server, so only these paths are touched; everything else is left alone.
 *
 * A connection is refused before the upgrade, with an HTTP status: 400 without a valid
 * `X-Self-ID` or `X-Client-Role`, 401 without an access token, 403 for an account that is not
 * configured and enabled or a token that does not match (communication/authorization.md: the token
 * comes as `Authorization: Bearer …`, or as the `access_token` query parameter).
 */
import { timingSafeEqual } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { Logger } from '../../logger'
import type { ClientRole } from './onebot-connection'
import { MAX_ONEBOT_FRAME_BYTES, QqNumberSchema } from './onebot-schemas'
import type { QqChannel } from './qq-channel'
import type { QqConfigService } from './qq-config'

export const ONEBOT_REVERSE_PATH = '/onebot/v11/ws'

/** Path → the role it is for (null: any). */
const PATHS = new Map<string, ClientRole | null>([
  ['/onebot/v11', null],
  ['/onebot/v11/ws', null],
  ['/onebot/v11/api', 'API'],
  ['/onebot/v11/ws/api', 'API'],
  ['/onebot/v11/event', 'Event'],
  ['/onebot/v11/ws/event', 'Event'],
])

const ROLES: Readonly<Record<string, ClientRole>> = { universal: 'Universal', event: 'Event', api: 'API' }

export type Verdict = { ok: true; selfId: string; role: ClientRole; token: string } | { ok: false; status: 400 | 401 | 403; reason: string }

/** Decides on an upgrade request from its headers and query alone. */
export function authorise(request: IncomingMessage, url: URL, pathRole: ClientRole | null, config: QqConfigService): Verdict {
  const selfIdHeader = header(request, 'x-self-id')
  const selfId = QqNumberSchema.safeParse(selfIdHeader)
  if (!selfId.success) return { ok: false, status: 400, reason: 'X-Self-ID must be the bot QQ number' }
  const role = ROLES[(header(request, 'x-client-role') ?? '').toLowerCase()]
  if (!role) return { ok: false, status: 400, reason: 'X-Client-Role must be Universal, Event or API' }
  if (pathRole && role !== pathRole) return { ok: false, status: 400, reason: `this path is for ${pathRole} clients` }
  const token = tokenOf(request, url)
  if (token === undefined) return { ok: false, status: 401, reason: 'an access token is required' }
  const account = config.snapshot.accounts.get(selfId.data)
  // One answer for an unknown account and a wrong token: nothing to learn by probing.
  if (!account || !account.enabled || !sameSecret(token, account.accessToken)) return { ok: false, status: 403, reason: 'access denied' }
  return { ok: true, selfId: selfId.data, role, token: account.accessToken }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function tokenOf(request: IncomingMessage, url: URL): string | undefined {
  const authorization = header(request, 'authorization')
  // "Token" is what CQHTTP sent before OneBot v11 settled on "Bearer"; some implementations still do.
  const match = authorization ? /^(?:Bearer|Token)\s+(.+)$/i.exec(authorization) : null
  if (match?.[1]) return match[1]
  const query = url.searchParams.get('access_token')
  return query ? query : undefined
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = `${reason}\n`
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  )
}

export interface ReverseEndpoint {
  close(): void
}

export function attachReverseEndpoint(deps: { server: Server; channel: QqChannel; config: QqConfigService; log: Logger; maxPayload?: number }): ReverseEndpoint {
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.maxPayload ?? MAX_ONEBOT_FRAME_BYTES, perMessageDeflate: false })
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL
    try {
      url = new URL(request.url ?? '/', 'http://localhost')
    } catch {
      return
    }
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
    const pathRole = PATHS.get(path)
    if (pathRole === undefined) return
    const verdict = authorise(request, url, pathRole, deps.config)
    if (!verdict.ok) {
      deps.log.warn({ status: verdict.status, reason: verdict.reason, selfId: String(request.headers['x-self-id'] ?? '').slice(0, 20), remote: request.socket.remoteAddress }, 'OneBot connection refused')
      refuse(socket, verdict.status, verdict.reason)
      return
    }
    socket.on('error', (err) => deps.log.warn({ err: err.message }, 'OneBot upgrade socket error'))
    wss.handleUpgrade(request, socket, head, (ws) => {
      deps.channel.adopt(ws, { selfId: verdict.selfId, role: verdict.role, origin: 'reverse', token: verdict.token })
    })
  }
  deps.server.on('upgrade', onUpgrade)
  return {
    close() {
      deps.server.off('upgrade', onUpgrade)
      wss.close()
    },
  }
}
