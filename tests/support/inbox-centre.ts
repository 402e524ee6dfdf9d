/**
 * Driving the inbox the way desktops do: agents as socket.io clients on /agent that set their
 * state, pull what sync gives them and push conversation operations.
 */
import type { Socket } from 'socket.io-client'
import type { ConversationRecord, InboxAlert, MessageRecord } from '../../src/shared/domain/conversations'
import type { Result } from '../../src/shared/errors'
import type { z } from 'zod'
import type { Operation, OperationResult, OperationSchema, SyncChange } from '../../src/shared/protocol/sync'
import { okValue, pullAll, pushOps } from './sync-centre'

/** What a desktop may send: defaults of the schema may be left out. */
type PayloadOf<T extends Operation['type']> = Extract<z.input<typeof OperationSchema>, { type: T }>['payload']

/** An operation as a desktop queues it (any type; named for the inbox, where most are used). */
export function conversationOp<T extends Operation['type']>(type: T, payload: PayloadOf<T>): Extract<Operation, { type: T }> {
  return { id: crypto.randomUUID(), type, payload, createdAt: Date.now() } as Extract<Operation, { type: T }>
}

export const replyOp = (conversationId: string, text: string, extra: Partial<PayloadOf<'conversation.reply'>> = {}): Extract<Operation, { type: 'conversation.reply' }> =>
  conversationOp('conversation.reply', { conversationId, messageId: crypto.randomUUID(), text, attachmentIds: [], replyToId: null, ...extra })

/** Pushes one op and returns its result. */
export async function pushOne(socket: Socket, op: Operation): Promise<OperationResult> {
  const { results } = okValue(await pushOps(socket, [op]))
  const result = results[0]
  if (!result) throw new Error('no result for the pushed op')
  return result
}

export async function setReady(socket: Socket): Promise<void> {
  const result = (await socket.timeout(10_000).emitWithAck('agentState:set', { state: 'ready' })) as Result<unknown>
  okValue(result)
}

/** What an agent's desktop holds after syncing everything: live conversations and messages by id. */
export interface InboxView {
  conversations: Map<string, ConversationRecord>
  messages: Map<string, MessageRecord>
}

/** Replays the whole change log as the agent may see it (later changes and tombstones win). */
export async function inboxOf(socket: Socket): Promise<InboxView> {
  const view: InboxView = { conversations: new Map(), messages: new Map() }
  for (const page of await pullAll(socket, 500)) {
    for (const change of page.changes as SyncChange[]) {
      if (change.entity === 'conversation') {
        if (change.deleted) view.conversations.delete(change.id)
        else view.conversations.set(change.id, change.data)
      } else if (change.entity === 'message') {
        if (change.deleted) view.messages.delete(change.id)
        else view.messages.set(change.id, change.data)
      }
    }
  }
  return view
}

export function messagesOf(view: InboxView, conversationId: string): MessageRecord[] {
  return [...view.messages.values()].filter((m) => m.conversationId === conversationId).sort((a, b) => a.createdAt - b.createdAt)
}

/** Polls a condition until it holds or the deadline passes (no fixed sleeps). */
export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

export function nextAlert(socket: Socket, kind: InboxAlert['kind'], timeoutMs = 10_000): Promise<InboxAlert> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('inbox:alert', listener)
      reject(new Error(`no ${kind} alert`))
    }, timeoutMs)
    const listener = (alert: InboxAlert) => {
      if (alert.kind !== kind) return
      clearTimeout(timer)
      socket.off('inbox:alert', listener)
      resolve(alert)
    }
    socket.on('inbox:alert', listener)
  })
}
