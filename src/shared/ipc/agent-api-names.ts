/**
 * The names of every AgentApi method and event, and the IPC channels, with no dependencies:
 * the sandboxed preload bundles this file (it cannot require zod, which agent-api.ts loads).
 * agent-api.ts checks at compile time that these lists match its schemas exactly.
 */
export const AGENT_API_METHODS = [
  'app.info',
  'session.get',
  'session.login',
  'session.logout',
  'agentState.set',
  'team.list',
  'team.forceState',
  'inbox.transferTargets',
  'kb.search',
  'kb.get',
  'kb.categories',
  'kb.pendingSignoffs',
  'kb.signoff',
  'kb.versions',
  'attachments.get',
  'attachments.upload',
  'settings.get',
  'settings.set',
  'customers.search',
  'customers.lookup',
  'customers.get',
  'customers.addNote',
  'customers.update',
  'outbox.status',
  'outbox.resolveConflict',
  'sync.status',
  'drafts.get',
  'drafts.set',
  'inbox.list',
  'inbox.get',
  'inbox.messages',
  'inbox.reply',
  'inbox.note',
  'inbox.accept',
  'inbox.decline',
  'inbox.resolve',
  'inbox.reopen',
  'inbox.transfer',
  'inbox.markRead',
  'inbox.snooze',
  'inbox.linkCustomer',
  'inbox.createCustomer',
  'inbox.cannedResponses',
  'inbox.dispositionCodes',
  'phone.get',
  'phone.configure',
  'phone.dial',
  'phone.answer',
  'phone.decline',
  'phone.hangup',
  'phone.mute',
  'phone.hold',
  'phone.dtmf',
  'phone.transfer',
  'phone.consult',
  'phone.completeTransfer',
  'phone.conference',
  'phone.wrapUp',
  'phone.record',
  'phone.callLog',
  'phone.attachMedia',
  'phone.mediaReply',
  'phone.mediaEvent',
  'phone.recordingChunk',
] as const

export const AGENT_API_EVENTS = [
  'connection.changed',
  'session.changed',
  'agentState.changed',
  'team.memberChanged',
  'sync.changed',
  'outbox.changed',
  'data.changed',
  'kb.signoffsPending',
  'inbox.alert',
  'phone.changed',
  'phone.media',
] as const

export type AgentApiMethodName = (typeof AGENT_API_METHODS)[number]
export type AgentApiEventName = (typeof AGENT_API_EVENTS)[number]

const methodSet: ReadonlySet<string> = new Set(AGENT_API_METHODS)
const eventSet: ReadonlySet<string> = new Set(AGENT_API_EVENTS)

export function isAgentApiMethodName(name: unknown): name is AgentApiMethodName {
  return typeof name === 'string' && methodSet.has(name)
}

export function isAgentApiEventName(name: unknown): name is AgentApiEventName {
  return typeof name === 'string' && eventSet.has(name)
}

/** Channel names Electron's IPC uses for the transport. */
export const IPC_INVOKE_CHANNEL = 'agent-api:invoke'
export const IPC_EVENT_CHANNEL = 'agent-api:event'
