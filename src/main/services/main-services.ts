import { EventEmitter } from 'node:events'
import { join } from 'node:path'
import { AppError } from '../../shared/errors'
import type { AgentApiEvent, AgentApiEventPayload } from '../../shared/ipc/agent-api'
import { createApiRouter, type AgentApiHandlers } from './api-router'
import { openLocalCache } from './cache/open-local-cache'
import { ServerConnection, type ServerConnectionOptions } from './connection/server-connection'
import { LocalSettingsStore } from './local-settings'
import type { AgentApiEventListener, MainServices, MainServicesOptions } from './main-services.types'
import { AgentSession } from './session/agent-session'
import { SessionVault } from './session/session-vault'
import { AgentWorkspace } from './workspace/agent-workspace'
import { RendererMediaPort } from './phone/renderer-media-port'
import { SipAccountStore } from './phone/sip-account-store'
import { Softphone } from './phone/softphone'
import { RecordingSpool } from './phone/recording-spool'
import { ServerFiles } from './connection/server-files'
import type { StateChange } from '../../shared/domain/agent'

export interface MainServicesTestOptions {
  connection?: ServerConnectionOptions
  /** Smaller sync pages make interruptions between pages testable with little data. */
  syncPageSize?: number
  onInternalError?: (method: string, err: unknown) => void
}

/** Builds every main-process service and the AgentApi router over them. No Electron here. */
export async function createMainServices(options: MainServicesOptions, testOptions: MainServicesTestOptions = {}): Promise<MainServices> {
  const settings = new LocalSettingsStore(options.dataDir)
  const connection = new ServerConnection(testOptions.connection)
  const session = new AgentSession(connection, new SessionVault(options.dataDir, options.secretCipher))

  const events = new EventEmitter()
  const emit = <E extends AgentApiEvent>(event: E, payload: AgentApiEventPayload<E>) => events.emit('event', event, payload)
  session.on('connection', (status) => emit('connection.changed', status))
  session.on('session', (snapshot) => emit('session.changed', snapshot))
  session.on('presence', (presence) => emit('agentState.changed', presence))
  session.on('teamMember', (member) => emit('team.memberChanged', member))
  connection.on('inboxAlert', (alert) => emit('inbox.alert', alert))

  // The signed-in agent's cache and sync live exactly as long as their session.
  let workspace: AgentWorkspace | undefined
  let opening: Promise<AgentWorkspace> | undefined
  async function openWorkspace(): Promise<AgentWorkspace> {
    const agent = session.profile
    if (!agent) throw new AppError('unauthenticated', 'Sign in first')
    if (workspace) return workspace
    opening ??= (async () => {
      const cache = await openLocalCache({ dir: join(options.dataDir, 'cache'), agentId: agent.id })
      const ws = new AgentWorkspace(cache, connection, () => session.profile ?? agent, testOptions.syncPageSize)
      ws.on('sync', (status) => emit('sync.changed', status))
      ws.on('outbox', (status) => emit('outbox.changed', status))
      ws.on('dataChanged', (entities) => emit('data.changed', { entities }))
      ws.on('signoffsPending', (pending) => emit('kb.signoffsPending', pending))
      workspace = ws
      return ws
    })().finally(() => {
      opening = undefined
    })
    return opening
  }
  async function closeWorkspace(): Promise<void> {
    const ws = workspace ?? (await opening?.catch(() => undefined))
    workspace = undefined
    await ws?.close()
  }
  session.on('session', (snapshot) => {
    if (snapshot.agent && !workspace) void openWorkspace().catch((err: unknown) => testOptions.onInternalError?.('workspace.open', err))
    if (!snapshot.agent) void closeWorkspace()
  })

  async function setAgentState(change: StateChange) {
    if (connection.isOnline) return session.setState(change)
    await (await openWorkspace()).queueStateChange(change)
    return session.applyOfflineState(change)
  }

  // The phone lives as long as the signed-in agent, independent of any window.
  const mediaPort = new RendererMediaPort(
    (envelope) => emit('phone.media', envelope),
    () => phone.mediaChanged(),
  )
  // Recordings wait here until the server has them; uploading needs only a connection, not a window.
  const serverFiles = new ServerFiles({
    current: () => {
      const baseUrl = connection.status.serverUrl
      const accessToken = connection.accessToken
      return connection.isOnline && baseUrl && accessToken ? { baseUrl, accessToken } : null
    },
  })
  const spool = new RecordingSpool(
    join(options.dataDir, 'recordings'),
    { upload: (callId, segment, mime, durationSec, data) => serverFiles.uploadRecording(callId, segment, mime, durationSec, data) },
    (pending) => phone.setRecordingsPending(pending),
    (err) => testOptions.onInternalError?.('phone.recordingUpload', err),
  )
  session.on('connection', (status) => {
    if (status.status === 'online') void spool.flush()
  })
  const phone = new Softphone({
    port: mediaPort,
    spool,
    callSettings: async () => {
      const { centre } = await (await openWorkspace()).settings.get()
      return { recordingPolicy: centre['recording.policy'], wrapUpSec: centre['acw.durationSec'] }
    },
    accounts: new SipAccountStore(options.dataDir, options.secretCipher),
    lookupCustomer: async (number) => {
      const [found] = await (await openWorkspace()).lookupCustomers('phone', number).catch(() => [])
      return found ? { id: found.id, name: found.name, tier: found.tier } : null
    },
    customerById: async (id) => {
      const card = await (await openWorkspace()).getCustomer(id)
      return card ? { id: card.customer.id, name: card.customer.name, tier: card.customer.tier } : null
    },
    presence: () => session.snapshot().presence,
    setAgentState,
    recordCall: async (record) => (await openWorkspace()).calls.record(record),
    onError: (where, err) => testOptions.onInternalError?.(where, err),
  })
  phone.on('changed', (snapshot) => emit('phone.changed', snapshot))
  session.on('session', (snapshot) => {
    if (snapshot.agent) void phone.start(snapshot.agent.id).catch((err: unknown) => testOptions.onInternalError?.('phone.start', err))
    else phone.stop()
  })

  const handlers: AgentApiHandlers = {
    'app.info': async () => ({
      version: options.appVersion,
      host: options.host,
      defaultServerUrl: (await settings.read()).lastServerUrl ?? options.defaultServerUrl,
    }),
    'session.get': async () => session.snapshot(),
    'session.login': async ({ serverUrl, username, password }) => {
      const snapshot = await session.login(serverUrl, username, password)
      await settings.update({ lastServerUrl: serverUrl })
      await openWorkspace()
      return snapshot
    },
    'session.logout': async () => {
      await session.logout()
      await closeWorkspace()
      return null
    },
    'agentState.set': setAgentState,
    'team.list': () => session.teamList(),
    'team.forceState': (request) => session.forceState(request),
    'inbox.transferTargets': () => session.transferTargets(),
    'kb.search': async (input) => (await openWorkspace()).searchKb(input),
    'kb.get': async ({ id }) => (await openWorkspace()).getArticle(id),
    'kb.categories': async () => (await openWorkspace()).kbCategories(),
    'kb.pendingSignoffs': async () => (await openWorkspace()).pendingSignoffs(),
    'kb.signoff': async ({ articleId }) => (await openWorkspace()).signoff(articleId),
    'customers.search': async ({ query, limit }) => (await openWorkspace()).searchCustomers(query, limit),
    'customers.lookup': async ({ kind, value }) => (await openWorkspace()).lookupCustomers(kind, value),
    'customers.get': async ({ id }) => (await openWorkspace()).getCustomer(id),
    'customers.addNote': async ({ customerId, text }) => (await openWorkspace()).addNote(customerId, text),
    'customers.update': async ({ customerId, changes }) => (await openWorkspace()).updateCustomer(customerId, changes),
    'outbox.status': async () => (await openWorkspace()).outboxStatus(),
    'outbox.resolveConflict': async ({ opId, resolution }) => (await openWorkspace()).resolveConflict(opId, resolution),
    'sync.status': async () => (await openWorkspace()).syncStatus(),
    'drafts.get': async ({ key }) => (await openWorkspace()).getDraft(key),
    'drafts.set': async ({ key, text }) => (await openWorkspace()).setDraft(key, text),
    'kb.versions': async ({ articleId }) => (await openWorkspace()).files.versions(articleId),
    'attachments.get': async ({ id }) => (await openWorkspace()).files.get(id),
    'attachments.upload': async ({ name, mime, dataBase64 }) => (await openWorkspace()).files.upload(name, mime, dataBase64),
    'settings.get': async () => (await openWorkspace()).settings.get(),
    'settings.set': async (change) => (await openWorkspace()).settings.set(change),
    'inbox.list': async (query) => (await openWorkspace()).inbox.list(query),
    'inbox.get': async ({ id }) => (await openWorkspace()).inbox.get(id),
    'inbox.messages': async (input) => (await openWorkspace()).inbox.messages(input),
    'inbox.reply': async (input) => (await openWorkspace()).inbox.reply(input),
    'inbox.note': async (input) => (await openWorkspace()).inbox.note(input),
    'inbox.accept': async ({ conversationId }) => (await openWorkspace()).inbox.accept(conversationId),
    'inbox.decline': async ({ conversationId }) => (await openWorkspace()).inbox.decline(conversationId),
    'inbox.resolve': async (input) => (await openWorkspace()).inbox.resolve(input),
    'inbox.reopen': async ({ conversationId }) => (await openWorkspace()).inbox.reopen(conversationId),
    'inbox.transfer': async (input) => (await openWorkspace()).inbox.transfer(input),
    'inbox.markRead': async ({ conversationId }) => (await openWorkspace()).inbox.markRead(conversationId),
    'inbox.snooze': async (input) => (await openWorkspace()).inbox.snooze(input),
    'inbox.linkCustomer': async ({ conversationId, customerId }) => (await openWorkspace()).inbox.linkCustomer(conversationId, customerId),
    'inbox.createCustomer': async (input) => (await openWorkspace()).inbox.createCustomer(input),
    'inbox.cannedResponses': async (input) => (await openWorkspace()).inbox.cannedResponses(input?.conversationId ?? null),
    'inbox.dispositionCodes': async () => (await openWorkspace()).inbox.dispositionCodes(),
    'phone.get': async () => phone.snapshot(),
    'phone.configure': (account) => phone.configure(account),
    'phone.dial': ({ target, customerId }) => phone.dial(target, customerId),
    'phone.answer': ({ callId }) => phone.answer(callId),
    'phone.decline': ({ callId }) => phone.decline(callId),
    'phone.hangup': ({ callId }) => phone.hangup(callId),
    'phone.mute': ({ callId, muted }) => phone.mute(callId, muted),
    'phone.hold': ({ callId, held }) => phone.hold(callId, held),
    'phone.dtmf': ({ callId, tones, via }) => phone.dtmf(callId, tones, via ?? 'rfc4733'),
    'phone.transfer': ({ callId, target }) => phone.transfer(callId, target),
    'phone.consult': ({ callId, target }) => phone.consult(callId, target),
    'phone.completeTransfer': ({ consultCallId }) => phone.completeTransfer(consultCallId),
    'phone.conference': ({ consultCallId }) => phone.conference(consultCallId),
    'phone.wrapUp': ({ callId, disposition, note, ready }) => phone.finishWrapUp(callId, disposition, note ?? '', ready ?? true),
    'phone.record': ({ callId, enabled }) => phone.record(callId, enabled),
    'phone.recordingChunk': async (chunk) => {
      await phone.recordingChunk(chunk)
      return null
    },
    'phone.callLog': async (input) => (await openWorkspace()).calls.list(input?.limit ?? 50),
    'phone.attachMedia': async ({ mediaId }) => {
      mediaPort.attach(mediaId)
      return phone.snapshot()
    },
    'phone.mediaReply': async (reply) => {
      mediaPort.reply(reply)
      return null
    },
    'phone.mediaEvent': async (event) => {
      mediaPort.event(event)
      return null
    },
  }

  await session.restore()

  return {
    router: createApiRouter(handlers, { onInternalError: testOptions.onInternalError }),
    onEvent(listener: AgentApiEventListener) {
      const wrapped = (event: AgentApiEvent, payload: unknown) => listener(event, payload as never)
      events.on('event', wrapped)
      return () => events.off('event', wrapped)
    },
    mediaEngineGone(mediaId: string) {
      mediaPort.detach(mediaId)
    },
    async dispose() {
      phone.stop()
      spool.close()
      connection.close()
      await closeWorkspace()
      events.removeAllListeners()
    },
  }
}
