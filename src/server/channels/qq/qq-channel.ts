/**
 * The QQ-group channel of the inbox over OneBot v11. Group messages from configured groups become
 * inbound messages, one conversation per group member (`<selfId>:<groupId>:<userId>`); recalls mark
 * them recalled; agents' replies go back with `send_group_msg`, quoting the customer and
 * @-mentioning them; the retcode decides whether the reply counts as sent.
 *
 * Satisfaction survey: after resolution the member is @-mentioned in the group and asked for a
 * digit from 1 to 5 (logged as a `survey_sent` conversation event, so a restart forgets nothing).
 * For SURVEY_WINDOW_MS afterwards, a message from that member that is just such a digit is taken
 * as the rating (Inbox.rate; a second digit corrects it) instead of a new message. Anything else
 * is filed as usual, which reopens the conversation and so ends the wait.
 *
 * Message ids: OneBot message ids are unique per bot account only, so the inbox stores them as
 * `<selfId>:<message_id>`.
 */
import type { Kysely } from 'kysely'
import type { WebSocket } from 'ws'
import { AppError } from '../../../shared/errors'
import type { AttachmentRef } from '../../../shared/domain/conversations'
import type { AttachmentStore } from '../../attachments/attachment-store'
import type { Database } from '../../db/schema'
import type { ChannelAdapter, DeliveryOutcome, OutboundMessage, SurveyRequest } from '../../inbox/channel-port'
import { latestOfThread, logEvent } from '../../inbox/conversation-store'
import type { Inbox } from '../../inbox/inbox'
import type { Logger } from '../../logger'
import { fetchImage, MAX_QQ_IMAGE_BYTES } from './image-fetch'
import { renderMessage, replySegments, segmentsOf, type OutboundImage } from './message-content'
import { ActionError, OneBotConnection, type ClientRole } from './onebot-connection'
import {
  EventEnvelopeSchema,
  GroupMessageEventSchema,
  GroupRecallNoticeSchema,
  MetaEventSchema,
  SendMessageDataSchema,
  type ActionResponse,
  type GroupMessageEvent,
  type Segment,
} from './onebot-schemas'
import { groupKey, type QqConfigService } from './qq-config'

export const SURVEY_WINDOW_MS = 30 * 60_000
const SURVEY_SENT = 'survey_sent'
const MAX_IMAGES_PER_MESSAGE = 9

export interface QqChannelOptions {
  /** How long `send_group_msg` may take before the reply counts as failed. */
  actionTimeoutMs?: number
  keepAliveMs?: number
  maxImageBytes?: number
  now?: () => number
}

export interface QqChannelDeps {
  db: Kysely<Database>
  inbox: Inbox
  attachments: AttachmentStore
  config: QqConfigService
  log: Logger
}

export interface QqThread {
  selfId: string
  groupId: string
  userId: string
}

export function threadKeyOf(thread: QqThread): string {
  return `${thread.selfId}:${thread.groupId}:${thread.userId}`
}

export function parseThreadKey(key: string): QqThread | null {
  const match = /^(\d{1,20}):(\d{1,20}):(\d{1,20})$/.exec(key)
  return match ? { selfId: match[1] as string, groupId: match[2] as string, userId: match[3] as string } : null
}

export const externalIdOf = (selfId: string, messageId: string): string => `${selfId}:${messageId}`

/** The OneBot message id inside a stored external id. */
export function messageIdOf(externalId: string | null | undefined): string | null {
  if (!externalId) return null
  const match = /^\d{1,20}:(-?\d{1,20})$/.exec(externalId)
  return match ? (match[1] as string) : null
}

export interface QqConnectionInfo {
  id: string
  selfId: string
  role: ClientRole
  origin: 'reverse' | 'forward'
  since: number
}

interface Adopted {
  connection: OneBotConnection
  /** The token it presented, so a changed token closes it. */
  token: string
}

export class QqChannel implements ChannelAdapter {
  readonly channel = 'qq' as const
  private readonly connections = new Map<string, Adopted>()
  private readonly now: () => number
  private readonly actionTimeoutMs: number
  private stopped = false

  constructor(
    private readonly deps: QqChannelDeps,
    private readonly options: QqChannelOptions = {},
  ) {
    this.now = options.now ?? Date.now
    this.actionTimeoutMs = options.actionTimeoutMs ?? 10_000
  }

  /** Takes over an authenticated WebSocket (reverse or forward). */
  adopt(ws: WebSocket, who: { selfId: string; role: ClientRole; origin: 'reverse' | 'forward'; token: string }): OneBotConnection {
    const connection = new OneBotConnection(ws, {
      selfId: who.selfId,
      role: who.role,
      origin: who.origin,
      log: this.deps.log,
      keepAliveMs: this.options.keepAliveMs ?? 30_000,
      onEvent: (conn, event) => this.handleEvent(conn, event),
      onClose: (conn) => this.connections.delete(conn.id),
    })
    if (this.stopped) {
      connection.close(1001, 'server stopping')
      return connection
    }
    this.connections.set(connection.id, { connection, token: who.token })
    this.deps.log.info({ selfId: who.selfId, role: who.role, origin: who.origin }, 'OneBot implementation connected')
    return connection
  }

  connectionsOf(selfId?: string): QqConnectionInfo[] {
    return [...this.connections.values()]
      .filter(({ connection }) => connection.open && (selfId === undefined || connection.selfId === selfId))
      .map(({ connection: c }) => ({ id: c.id, selfId: c.selfId, role: c.role, origin: c.origin, since: c.since }))
  }

  /** After a configuration change: connections of removed or disabled accounts, or with an old token, go. */
  closeStale(): void {
    const accounts = this.deps.config.snapshot.accounts
    for (const { connection, token } of this.connections.values()) {
      const account = accounts.get(connection.selfId)
      if (!account || !account.enabled || account.accessToken !== token) {
        this.deps.log.info({ selfId: connection.selfId }, 'closing a OneBot connection whose account changed')
        connection.close(1008, 'account configuration changed')
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true
    const all = [...this.connections.values()].map((a) => a.connection)
    for (const connection of all) connection.close(1001, 'server stopping')
    // Events already received are filed before the inbox stops.
    await Promise.allSettled(all.map((c) => c.drained()))
    this.connections.clear()
  }

  // --- Inbound ---------------------------------------------------------------------------------

  async handleEvent(connection: OneBotConnection, raw: Record<string, unknown>): Promise<void> {
    const log = this.deps.log
    const envelope = EventEnvelopeSchema.safeParse(raw)
    if (!envelope.success) {
      log.warn({ selfId: connection.selfId, issues: issuesOf(envelope.error) }, 'malformed OneBot event; ignored')
      return
    }
    if (envelope.data.self_id !== connection.selfId) {
      log.warn({ selfId: connection.selfId, claimed: envelope.data.self_id }, 'OneBot event for another account; ignored')
      return
    }
    switch (envelope.data.post_type) {
      case 'message':
        if (raw['message_type'] !== 'group') {
          log.debug({ selfId: connection.selfId, type: String(raw['message_type']).slice(0, 20) }, 'non-group QQ message; ignored')
          return
        }
        return this.onGroupMessage(connection, raw)
      case 'notice':
        if (raw['notice_type'] !== 'group_recall') return
        return this.onGroupRecall(connection, raw)
      case 'meta_event': {
        const meta = MetaEventSchema.safeParse(raw)
        if (!meta.success) log.warn({ selfId: connection.selfId, issues: issuesOf(meta.error) }, 'malformed OneBot meta event; ignored')
        else log.debug({ selfId: connection.selfId, type: meta.data.meta_event_type }, 'OneBot meta event')
        return
      }
      case 'request':
      case 'message_sent':
        // Friend/group requests are not the service's business; message_sent echoes our own messages.
        return
      default:
        log.warn({ selfId: connection.selfId, postType: envelope.data.post_type }, 'unknown OneBot post_type; ignored')
    }
  }

  private async onGroupMessage(connection: OneBotConnection, raw: Record<string, unknown>): Promise<void> {
    const parsed = GroupMessageEventSchema.safeParse(raw)
    if (!parsed.success) {
      this.deps.log.warn({ selfId: connection.selfId, issues: issuesOf(parsed.error) }, 'malformed OneBot group message; ignored')
      return
    }
    const event = parsed.data
    const selfId = connection.selfId
    if (event.user_id === selfId) return
    const group = this.deps.config.snapshot.groups.get(groupKey(selfId, event.group_id))
    if (!group || !group.enabled) {
      this.deps.log.debug({ selfId, groupId: event.group_id }, 'message from a group that is not configured; ignored')
      return
    }
    const thread = { selfId, groupId: event.group_id, userId: event.user_id }
    const threadKey = threadKeyOf(thread)
    const rendered = renderMessage(segmentsOf(event.message), selfId)

    if (await this.takeSurveyAnswer(threadKey, rendered.text, rendered.images.length)) return

    const externalId = externalIdOf(selfId, event.message_id)
    if (await this.alreadyStored(externalId)) return
    const { attachments, unfetched } = await this.saveImages(rendered.images, selfId)
    const text = clip([rendered.text, ...unfetched.map((ref) => `[图片 ${ref.slice(0, 500)}]`)].filter((t) => t !== '').join('\n'))
    // Nothing but an @ of the bot (or an empty message): nothing to answer.
    if (text === '' && attachments.length === 0) return
    try {
      await this.deps.inbox.receive({
        channel: 'qq',
        threadKey,
        identity: { kind: 'qq', value: event.user_id, displayName: displayNameOf(event).slice(0, 200) },
        subject: group.name,
        externalId,
        text,
        attachments,
        replyToExternalId: rendered.replyToMessageId ? externalIdOf(selfId, rendered.replyToMessageId) : null,
        skillGroupId: group.skillGroupId,
        meta: { groupId: event.group_id, groupName: group.name, selfId, memberRole: event.sender?.role ?? 'member' },
        sentAt: event.time * 1000,
      })
    } catch (err) {
      if (err instanceof AppError) this.deps.log.error({ selfId, groupId: event.group_id, code: err.code, msg: err.message }, 'QQ message not filed')
      else throw err
    }
  }

  private async onGroupRecall(connection: OneBotConnection, raw: Record<string, unknown>): Promise<void> {
    const parsed = GroupRecallNoticeSchema.safeParse(raw)
    if (!parsed.success) {
      this.deps.log.warn({ selfId: connection.selfId, issues: issuesOf(parsed.error) }, 'malformed OneBot group_recall notice; ignored')
      return
    }
    const notice = parsed.data
    if (!this.deps.config.snapshot.groups.has(groupKey(connection.selfId, notice.group_id))) return
    await this.deps.inbox.recall('qq', externalIdOf(connection.selfId, notice.message_id))
  }

  /** A lone digit 1–5 from a member who was just asked for a rating. */
  private async takeSurveyAnswer(threadKey: string, text: string, images: number): Promise<boolean> {
    const digit = /^[1-5]$/.exec(text.trim().replace(/[１-５]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)))
    if (!digit || images > 0) return false
    const conversation = await latestOfThread(this.deps.db, 'qq', threadKey)
    if (!conversation || conversation.status !== 'resolved') return false
    const survey = await this.deps.db
      .selectFrom('conversation_events')
      .select('at')
      .where('conversation_id', '=', conversation.id)
      .where('kind', '=', SURVEY_SENT)
      .where('at', '>=', Number(conversation.resolved_at ?? 0))
      .orderBy('at', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (!survey || this.now() - Number(survey.at) > SURVEY_WINDOW_MS) return false
    try {
      await this.deps.inbox.rate(conversation.id, Number(digit[0]))
      return true
    } catch (err) {
      this.deps.log.info({ err: err instanceof Error ? err.message : String(err), conversationId: conversation.id }, 'QQ survey answer not recorded')
      return false
    }
  }

  private async alreadyStored(externalId: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select('messages.id')
      .where('conversations.channel', '=', 'qq')
      .where('messages.external_id', '=', externalId)
      .executeTakeFirst()
    return row !== undefined
  }

  private async saveImages(images: ReturnType<typeof renderMessage>['images'], selfId: string): Promise<{ attachments: AttachmentRef[]; unfetched: string[] }> {
    const attachments: AttachmentRef[] = []
    const unfetched: string[] = []
    for (const image of images.slice(0, MAX_IMAGES_PER_MESSAGE)) {
      const fetched = await fetchImage(image, this.options.maxImageBytes ?? MAX_QQ_IMAGE_BYTES)
      if (!fetched.ok) {
        this.deps.log.debug({ selfId, reason: fetched.reason }, 'QQ image kept as a reference')
        // A base64 payload is no use as text; a name or URL is.
        unfetched.push(image.file.startsWith('base64://') ? `(${fetched.reason})` : image.url || image.file)
        continue
      }
      attachments.push(await this.deps.attachments.save({ ...fetched.image, source: 'customer' }))
    }
    return { attachments, unfetched }
  }

  // --- Outbound --------------------------------------------------------------------------------

  async deliver(message: OutboundMessage): Promise<DeliveryOutcome> {
    const thread = parseThreadKey(message.threadKey)
    if (!thread) return { ok: false, error: `Not a QQ group thread: ${message.threadKey.slice(0, 60)}`, retry: false }
    const connection = this.actionConnection(thread.selfId)
    if (!connection) return { ok: false, error: `QQ account ${thread.selfId} is not connected`, retry: true }
    const replyTo = messageIdOf(message.replyTo?.externalId) ?? (await this.lastCustomerMessageId(message.conversationId))
    const { images, notes } = await this.outboundFiles(message.attachments)
    const text = [message.text, ...notes].filter((t) => t !== '').join('\n')
    const segments = replySegments({ replyToMessageId: replyTo, userId: thread.userId, text, images })
    const response = await this.sendGroupMessage(connection, thread.groupId, segments)
    if (!response.ok) return response
    return { ok: true, externalId: response.messageId ? externalIdOf(thread.selfId, response.messageId) : null }
  }

  async sendSurvey(request: SurveyRequest): Promise<void> {
    const thread = parseThreadKey(request.threadKey)
    if (!thread) return
    const connection = this.actionConnection(thread.selfId)
    if (!connection) throw new Error(`QQ account ${thread.selfId} is not connected`)
    const who = request.agentName ? `客服${request.agentName}` : '我们'
    const text = ` 本次咨询已结束，感谢您的耐心。请直接回复数字 1-5 为${who}的服务打分（5 非常满意，1 非常不满意）。`
    const result = await this.sendGroupMessage(connection, thread.groupId, [
      { type: 'at', data: { qq: thread.userId } },
      { type: 'text', data: { text } },
    ])
    if (!result.ok) throw new Error(result.error)
    await logEvent(this.deps.db, { conversationId: request.conversationId, kind: SURVEY_SENT, detail: result.messageId ?? '', at: this.now() })
  }

  private async sendGroupMessage(
    connection: OneBotConnection,
    groupId: string,
    message: Segment[],
  ): Promise<{ ok: true; messageId: string | null } | { ok: false; error: string; retry: boolean }> {
    let response: ActionResponse
    try {
      response = await connection.call('send_group_msg', { group_id: Number(groupId), message }, this.actionTimeoutMs)
    } catch (err) {
      if (err instanceof ActionError) return { ok: false, error: err.message, retry: err.notSent }
      throw err
    }
    // retcode 1 is "async": accepted, the message id comes later (or never).
    if (response.retcode !== 0 && response.retcode !== 1) {
      const why = response.wording || response.message || response.msg || response.status
      return { ok: false, error: `retcode ${response.retcode}: ${why}`, retry: false }
    }
    const data = SendMessageDataSchema.safeParse(response.data)
    return { ok: true, messageId: data.success ? data.data.message_id : null }
  }

  /** The newest open connection of the account that takes actions. */
  private actionConnection(selfId: string): OneBotConnection | undefined {
    let best: OneBotConnection | undefined
    for (const { connection } of this.connections.values()) {
      if (connection.selfId !== selfId || !connection.open || !connection.takesActions) continue
      if (!best || connection.since >= best.since) best = connection
    }
    return best
  }

  private async lastCustomerMessageId(conversationId: string): Promise<string | null> {
    const row = await this.deps.db
      .selectFrom('messages')
      .select('external_id')
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .where('external_id', 'is not', null)
      .where('recalled', '=', 0)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst()
    return messageIdOf(row?.external_id)
  }

  /** Images go as image segments; QQ group messages carry no other files, so those become a note. */
  private async outboundFiles(refs: readonly AttachmentRef[]): Promise<{ images: OutboundImage[]; notes: string[] }> {
    const images: OutboundImage[] = []
    const notes: string[] = []
    for (const ref of refs) {
      const stored = ref.mime.startsWith('image/') ? await this.deps.attachments.get(ref.id) : null
      if (stored) images.push({ base64: Buffer.from(stored.data).toString('base64') })
      else notes.push(`[附件：${ref.name}，请联系客服获取]`)
    }
    return { images, notes }
  }
}

/** QQ itself caps a message far below this; a longer one is a flood, kept readable for the agent. */
export const MAX_QQ_TEXT_CHARS = 20_000

function clip(text: string): string {
  return text.length > MAX_QQ_TEXT_CHARS ? `${text.slice(0, MAX_QQ_TEXT_CHARS)}…（消息过长，已截断）` : text
}

function displayNameOf(event: GroupMessageEvent): string {
  return event.sender?.card || event.sender?.nickname || event.anonymous?.name || event.user_id
}

function issuesOf(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string[] {
  return error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`)
}
