import type { Namespace, Server, Socket } from 'socket.io'
import { z } from 'zod'
import { AppError, toErrorInfo, type Result } from '../../shared/errors'
import type { Presence, TeamMember } from '../../shared/domain/agent'
import type { TransferTargets } from '../../shared/domain/conversations'
import {
  AGENT_NAMESPACE,
  clientEventSchemas,
  type ClientEventName,
  type ClientEventResults,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '../../shared/protocol/agent-socket'
import type { SyncNotify } from '../../shared/protocol/sync'
import { parseOrThrow } from '../../shared/validation'
import type { AgentDirectory } from '../agents/agent-directory'
import type { PresenceService } from '../agents/presence-service'
import type { AccessClaims, AccessTokens } from '../auth/tokens'
import type { Logger } from '../logger'
import type { Inbox } from '../inbox/inbox'
import { EVERYONE } from '../sync/change-log'
import type { SyncService } from '../sync/sync-service'
import { viewerScopes } from '../sync/sync-viewer'

interface SocketData {
  claims: AccessClaims
  /** When the access token the socket was opened with expires; later events are refused. */
  tokenExpiresAt: number
}

type AgentSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>
type AgentNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>

export interface AgentNamespaceDeps {
  tokens: AccessTokens
  directory: AgentDirectory
  presence: PresenceService
  sync: SyncService
  /** Its alerts go to the agent concerned and the leads of their team (all leads when nobody has it). */
  inbox?: Inbox
  log: Logger
  now?: () => number
}

const agentRoom = (agentId: string) => `agent:${agentId}`
/** A desktop sits in the room of every change-log scope it pulls (see sync-viewer.ts). */
const syncRoom = (scope: string) => `sync:${scope}`

/** Tells the desktops of these scopes that the change log grew ('*': all of them). */
export function notifySync(nsp: Namespace<ClientToServerEvents, ServerToClientEvents>, notice: SyncNotify, scopes: ReadonlySet<string>): void {
  if (scopes.has(EVERYONE)) nsp.emit('sync:changed', notice)
  else nsp.to([...scopes].map(syncRoom)).emit('sync:changed', notice)
}
const leadsRoom = (teamId: string) => `leads:${teamId}`
const ADMINS_ROOM = 'admins'

type Handler<E extends ClientEventName> = (
  payload: z.output<(typeof clientEventSchemas)[E]>,
  claims: AccessClaims,
) => Promise<ClientEventResults[E]>

export function attachAgentNamespace(io: Server<ClientToServerEvents, ServerToClientEvents>, deps: AgentNamespaceDeps): AgentNamespace {
  const now = deps.now ?? Date.now
  // The namespace carries per-socket data the Server type does not know about.
  const nsp = io.of(AGENT_NAMESPACE) as unknown as AgentNamespace

  nsp.use(async (socket, next) => {
    try {
      const auth: unknown = socket.handshake.auth
      const token = typeof auth === 'object' && auth !== null ? (auth as { token?: unknown }).token : undefined
      const { expiresAt, ...claims } = await deps.tokens.verify(token)
      socket.data = { claims, tokenExpiresAt: expiresAt }
      next()
    } catch (err) {
      const info = toErrorInfo(err)
      const error = new Error(info.code) as Error & { data?: unknown }
      error.data = info
      next(error)
    }
  })

  const handlers: { [E in ClientEventName]: Handler<E> } = {
    'agentState:set': (payload, claims) => deps.presence.setState(claims.agentId, payload, null),
    'team:list': async (_payload, claims) => {
      requireSupervisor(claims)
      const agents = await deps.directory.visibleTo(claims)
      return Promise.all(agents.map(async (a) => toMember(a, await deps.presence.get(a.id))))
    },
    'team:forceState': async (payload, claims) => {
      requireSupervisor(claims)
      const target = await deps.directory.profile(payload.agentId)
      if (!target) throw new AppError('not_found', 'No such agent')
      if (claims.role !== 'admin' && target.teamId !== claims.teamId) {
        throw new AppError('forbidden', 'A team lead can only change the state of their own team')
      }
      const lead = await deps.directory.profile(claims.agentId)
      const forcedBy = { id: claims.agentId, name: lead?.displayName ?? claims.agentId }
      const presence = await deps.presence.setState(target.id, payload, forcedBy)
      deps.log.info({ lead: claims.agentId, agent: target.id, state: payload.state }, 'state forced')
      return presence
    },
    'sync:pull': (payload, claims) => deps.sync.pull(claims, payload),
    'sync:push': (payload, claims) => deps.sync.push(claims, payload),
    'transfer:targets': () => transferTargets(),
  }

  nsp.on('connection', (socket: AgentSocket) => {
    const { claims } = socket.data
    void socket.join(agentRoom(claims.agentId))
    if (claims.role === 'admin') void socket.join(ADMINS_ROOM)
    else if (claims.role === 'lead' && claims.teamId) void socket.join(leadsRoom(claims.teamId))

    void welcome(socket).catch((err: unknown) => deps.log.error({ err }, 'welcome failed'))
    const logFailure = (err: unknown) => deps.log.error({ err, agent: claims.agentId }, 'presence update failed')
    deps.presence.connected(claims.agentId)?.catch(logFailure)
    socket.on('disconnect', () => deps.presence.disconnected(claims.agentId)?.catch(logFailure))

    for (const event of Object.keys(handlers) as ClientEventName[]) {
      socket.on(event, (payload: unknown, ack?: unknown) => void dispatch(socket, event, payload, ack))
    }
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (typeof event === 'string' && Object.hasOwn(handlers, event)) return
      const ack = args.at(-1)
      const error = { code: 'unknown_event' as const, message: `Unknown event: ${String(event).slice(0, 100)}` }
      if (typeof ack === 'function') ack({ ok: false, error })
      else socket.emit('protocol:error', { ...error, event: String(event).slice(0, 100) })
    })
  })

  /** Every active agent and lead with their state, and every skill group: any agent may transfer to them. */
  async function transferTargets(): Promise<TransferTargets> {
    const [agents, groups] = await Promise.all([
      deps.directory.visibleTo({ role: 'admin', teamId: null }),
      deps.directory.skillGroups(),
    ])
    const people = agents.filter((a) => a.role !== 'admin')
    const presences = await Promise.all(people.map((a) => deps.presence.get(a.id)))
    return {
      agents: people.map((a, i) => ({ id: a.id, displayName: a.displayName, teamName: a.teamName, state: presences[i]?.state ?? 'signed_out', online: presences[i]?.online ?? false })),
      skillGroups: groups,
    }
  }

  async function welcome(socket: AgentSocket): Promise<void> {
    const { agentId } = socket.data.claims
    const [agent, presence, reasonCodes] = await Promise.all([
      deps.directory.profile(agentId),
      deps.presence.get(agentId),
      deps.directory.reasonCodes(),
    ])
    if (!agent) {
      socket.disconnect(true)
      return
    }
    await socket.join(viewerScopes({ agentId, role: agent.role, skillGroupIds: new Set(agent.skillGroupIds) }).map(syncRoom))
    socket.emit('session:welcome', { agent, presence: { ...presence, online: true }, reasonCodes, serverTime: now() })
  }

  async function dispatch<E extends ClientEventName>(socket: AgentSocket, event: E, payload: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') {
      socket.emit('protocol:error', { code: 'invalid_argument', message: `${event} needs an acknowledgement callback`, event })
      return
    }
    const reply = ack as (result: Result<unknown>) => void
    if (now() >= socket.data.tokenExpiresAt) {
      reply({ ok: false, error: { code: 'token_expired', message: 'The access token has expired' } })
      socket.disconnect(true)
      return
    }
    try {
      const schema: z.ZodType = clientEventSchemas[event]
      const input = parseOrThrow(schema, payload, `payload for ${event}`) as Parameters<Handler<E>>[0]
      const handler = handlers[event] as Handler<E>
      reply({ ok: true, value: await handler(input, socket.data.claims) })
    } catch (err) {
      if (!(err instanceof AppError)) deps.log.error({ err, event }, 'event handler failed')
      reply({ ok: false, error: toErrorInfo(err) })
    }
  }

  deps.presence.on('changed', (agentId, presence) => {
    void (async () => {
      nsp.to(agentRoom(agentId)).emit('agentState:changed', presence)
      const profile = await deps.directory.profile(agentId)
      if (!profile) return
      const member = toMember(profile, presence)
      const rooms = profile.teamId ? [leadsRoom(profile.teamId), ADMINS_ROOM] : [ADMINS_ROOM]
      nsp.to(rooms).emit('team:presence', member)
    })().catch((err: unknown) => deps.log.error({ err }, 'presence fan-out failed'))
  })

  deps.inbox?.on('alert', (alert, teamOf) => {
    const rooms = [ADMINS_ROOM, ...(alert.agentId ? [agentRoom(alert.agentId)] : [])]
    if (teamOf) rooms.push(leadsRoom(teamOf))
    // Nobody owns it yet: every lead hears of it.
    else for (const room of nsp.adapter.rooms.keys()) if (room.startsWith('leads:')) rooms.push(room)
    nsp.to(rooms).emit('inbox:alert', alert)
  })

  return nsp
}

function requireSupervisor(claims: AccessClaims): void {
  if (claims.role !== 'lead' && claims.role !== 'admin') throw new AppError('forbidden', 'Only team leads and admins may do this')
}

function toMember(profile: { id: string; username: string; displayName: string; role: TeamMember['role']; teamId: string | null }, presence: Presence): TeamMember {
  return { agentId: profile.id, username: profile.username, displayName: profile.displayName, role: profile.role, teamId: profile.teamId, presence }
}

