/**
 * The inbox's cache calls as the worker runs them: every argument checked (the worker is a
 * boundary of its own), every local action written with its outbox operation in one durable
 * transaction.
 */
import { z } from 'zod'
import { AttachmentRefSchema, type AttachmentRef } from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import type { CustomerCard } from '../../../shared/ipc/views'
import {
  InboxQuerySchema,
  MessagePageInputSchema,
  type ConversationView,
  type InboxListResult,
  type InboxQuery,
  type MessagePage,
  type MessagePageInput,
  type MessageView,
} from '../../../shared/ipc/inbox-views'
import { OperationSchema, type Operation } from '../../../shared/protocol/sync'
import { parseOrThrow } from '../../../shared/validation'
import * as queries from './inbox-queries'
import {
  conversationSubject,
  isConversationOp,
  recordLocalAction,
  recordLocalCustomer,
  recordLocalMessage,
  type ConversationOp,
  type LocalAgent,
  type MessageOp,
  type StateOp,
} from './inbox-store'
import { customerCard } from './interactions'
import * as outbox from './outbox'
import type { Sqlite } from './sqlite'

export { cannedResponses, dispositionCodes } from './inbox-queries'
export {
  discardLocalAction,
  hasInboxEffect,
  isConversationOp,
  localActionDelivered,
  localActionRejected,
  refreshConversationOf,
  type MessageOp,
  type StateOp,
} from './inbox-store'

const AgentSchema = z.object({ id: z.string().min(1).max(64), name: z.string().max(100) })
const IdSchema = z.string().min(1).max(64)
const NowSchema = z.number().int().nonnegative()

export function inboxList(sql: Sqlite, query: InboxQuery, agentId: string, now: number): InboxListResult {
  return queries.inboxList(sql, parseOrThrow(InboxQuerySchema, query, 'inbox query'), parseOrThrow(IdSchema, agentId, 'agent'), parseOrThrow(NowSchema, now, 'now'))
}

export function conversationView(sql: Sqlite, id: string, agentId: string): ConversationView | null {
  return queries.conversationView(sql, parseOrThrow(IdSchema, id, 'conversation id'), parseOrThrow(IdSchema, agentId, 'agent'))
}

export function messagePage(sql: Sqlite, input: MessagePageInput): MessagePage {
  const valid = parseOrThrow(MessagePageInputSchema, input, 'message page')
  return queries.messagePage(sql, valid.conversationId, valid.before, valid.limit)
}

function conversationOp(input: unknown): ConversationOp {
  const op = parseOrThrow(OperationSchema, input, 'operation')
  if (!isConversationOp(op)) throw new AppError('invalid_argument', `Expected a conversation operation, got ${op.type}`)
  return op
}

export function writeMessage(sql: Sqlite, input: MessageOp, agentInput: LocalAgent, attachmentsInput: AttachmentRef[]): MessageView {
  const op = conversationOp(input)
  if (op.type !== 'conversation.reply' && op.type !== 'conversation.note') throw new AppError('invalid_argument', `Expected a reply or a note, got ${op.type}`)
  const agent = parseOrThrow(AgentSchema, agentInput, 'agent')
  const attachments = parseOrThrow(z.array(AttachmentRefSchema).max(10), attachmentsInput, 'attachments')
  const ids = attachments.map((a) => a.id)
  if (ids.length !== op.payload.attachmentIds.length || ids.some((id, i) => id !== op.payload.attachmentIds[i])) {
    throw new AppError('invalid_argument', 'The attachments do not match the operation')
  }
  sql.durableTransaction(() => {
    outbox.insertOperation(sql, op)
    recordLocalMessage(sql, op, agent, attachments)
  })
  return queries.messageById(sql, op.payload.messageId)!
}

export function act(sql: Sqlite, input: StateOp, agentInput: LocalAgent): ConversationView {
  const op = conversationOp(input)
  if (op.type === 'conversation.reply' || op.type === 'conversation.note') throw new AppError('invalid_argument', 'Replies and notes are written with inboxWrite')
  const agent = parseOrThrow(AgentSchema, agentInput, 'agent')
  sql.durableTransaction(() => {
    // The outbox row first: the displayed conversation is the base plus the queued actions in outbox order.
    outbox.insertOperation(sql, op)
    recordLocalAction(sql, op, agent)
  })
  return queries.conversationView(sql, op.payload.conversationId, agent.id)!
}

function shorten(text: string, max = 40): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim())
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('')
}

/** Creates the customer (and links the conversation) with its operation in one transaction. */
export function createCustomer(sql: Sqlite, input: Extract<Operation, { type: 'customer.create' }>, agentInput: LocalAgent): CustomerCard {
  const op = parseOrThrow(OperationSchema, input, 'operation')
  if (op.type !== 'customer.create') throw new AppError('invalid_argument', `Expected customer.create, got ${op.type}`)
  const agent = parseOrThrow(AgentSchema, agentInput, 'agent')
  sql.durableTransaction(() => {
    outbox.insertOperation(sql, op)
    recordLocalCustomer(sql, op, agent)
  })
  return customerCard(sql, op.payload.customerId)!
}

/** Words for the conflict list, e.g. 回复「订单查询」：好的，已为您… */
export function describeConversationOp(sql: Sqlite, op: Operation): string {
  if (op.type === 'customer.create') return `新建客户：${op.payload.name}`
  if (!isConversationOp(op)) return op.type
  const subject = conversationSubject(sql, op.payload.conversationId)
  const on = `「${shorten(subject ?? op.payload.conversationId, 30)}」`
  switch (op.type) {
    case 'conversation.reply':
      return `回复${on}：${shorten(op.payload.text)}`
    case 'conversation.note':
      return `内部备注${on}：${shorten(op.payload.text)}`
    case 'conversation.accept':
      return `接受会话${on}`
    case 'conversation.decline':
      return `拒绝会话${on}`
    case 'conversation.resolve':
      return `结束会话${on}（${op.payload.disposition}）`
    case 'conversation.reopen':
      return `重新打开会话${on}`
    case 'conversation.transfer':
      return `转接会话${on}`
    case 'conversation.read':
      return `标记已读${on}`
    case 'conversation.snooze':
      return op.payload.until === null ? `取消稍后处理${on}` : `稍后处理${on}`
    case 'conversation.linkCustomer':
      return `关联客户${on}`
  }
}
