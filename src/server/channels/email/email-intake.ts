import type { Kysely } from 'kysely'
import type { AttachmentRef } from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import type { AttachmentStore } from '../../attachments/attachment-store'
import type { Database } from '../../db/schema'
import { ChangeSet } from '../../inbox/change-set'
import type { Inbox } from '../../inbox/inbox'
import type { Logger } from '../../logger'
import type { SyncNotifier } from '../../sync/sync-notifier'
import { bounceReason, classifyMail, quotedMessageIds } from './auto-reply'
import type { MailboxConfig } from './mailbox-store'
import { parseEmail, truncate, MAX_TEXT_CHARS, type ParsedEmail } from './parse-email'
import { baseSubject, relatedIdsOf, rootIdOf, threadKeyOf } from './threading'

/** A thread with no usable references joins the sender's recent thread of the same subject within this time. */
export const SUBJECT_MATCH_WINDOW_MS = 7 * 24 * 60 * 60_000
/** MessageRecord carries at most 20 attachments. */
const MAX_ATTACHMENTS = 20

export interface IntakeDeps {
  db: Kysely<Database>
  inbox: Inbox
  attachments: AttachmentStore
  notifier: SyncNotifier
  log: Logger
  now?: () => number
}

export type IntakeOutcome =
  | { kind: 'filed'; conversationId: string; messageId: string; created: boolean }
  | { kind: 'duplicate' }
  | { kind: 'dropped'; why: string }
  | { kind: 'bounce'; matchedReply: boolean }

/**
 * Turns one raw message of a support mailbox into an inbound message of the inbox: decoded,
 * sanitised, attachments stored, threaded. Bad input is dropped or reduced to what can be kept
 * safely, with a log line saying why; only a failure of the store itself throws (the message is
 * then read again later).
 */
export class EmailIntake {
  private readonly now: () => number

  constructor(private readonly deps: IntakeDeps) {
    this.now = deps.now ?? Date.now
  }

  async file(mailbox: MailboxConfig, raw: Buffer): Promise<IntakeOutcome> {
    let mail: ParsedEmail
    try {
      mail = await parseEmail(raw)
    } catch (err) {
      this.deps.log.warn({ err, mailbox: mailbox.address, bytes: raw.byteLength }, 'email could not be parsed; dropped')
      return { kind: 'dropped', why: 'unparseable' }
    }
    const kind = classifyMail(mail.header, mail.from?.address ?? null, mail.subject)
    if (kind.kind === 'bounce') return this.bounce(mailbox, mail, raw, kind.why)
    if (kind.kind === 'auto_reply') {
      this.deps.log.info({ mailbox: mailbox.address, from: mail.from?.address, why: kind.why, messageId: mail.messageId }, 'automatic email dropped (no conversation, no reply)')
      return { kind: 'dropped', why: kind.why }
    }
    if (!mail.from) {
      this.deps.log.warn({ mailbox: mailbox.address, messageId: mail.messageId, bytes: raw.byteLength }, 'email without a sender address dropped')
      return { kind: 'dropped', why: 'no sender' }
    }
    if (mail.from.address === mailbox.address) {
      this.deps.log.info({ mailbox: mailbox.address, messageId: mail.messageId }, 'email from the support mailbox itself dropped')
      return { kind: 'dropped', why: 'from ourselves' }
    }
    if (await this.known(mail.messageId)) return { kind: 'duplicate' }

    const { refs, notes } = await this.storeAttachments(mailbox, mail)
    const text = truncate([mail.text, ...notes].filter((t) => t !== '').join('\n\n'), MAX_TEXT_CHARS)
    return this.receive(mailbox, mail, text || (refs.length > 0 ? '' : '（空白邮件）'), refs)
  }

  /**
   * A message too large to read whole: its headers become a message that says so, so the agent
   * knows the customer wrote and can ask for a smaller copy.
   */
  async fileOversized(mailbox: MailboxConfig, headers: Buffer, size: number): Promise<IntakeOutcome> {
    let mail: ParsedEmail
    try {
      mail = await parseEmail(Buffer.concat([headers, Buffer.from('\r\n\r\n')]))
    } catch (err) {
      this.deps.log.warn({ err, mailbox: mailbox.address, size }, 'oversized email with unreadable headers dropped')
      return { kind: 'dropped', why: 'unparseable' }
    }
    const kind = classifyMail(mail.header, mail.from?.address ?? null, mail.subject)
    if (kind.kind !== 'person' || !mail.from) {
      this.deps.log.warn({ mailbox: mailbox.address, size, why: kind.kind === 'person' ? 'no sender' : kind.why }, 'oversized automatic or anonymous email dropped')
      return { kind: 'dropped', why: 'oversized' }
    }
    if (await this.known(mail.messageId)) return { kind: 'duplicate' }
    this.deps.log.warn({ mailbox: mailbox.address, from: mail.from.address, size }, 'oversized email: only its headers were filed')
    const text = `【系统提示】这封邮件过大（${formatSize(size)}），超过了接收上限，正文和附件未导入。请联系客户改用较小的附件重新发送。`
    return this.receive(mailbox, mail, text, [])
  }

  private async receive(mailbox: MailboxConfig, mail: ParsedEmail, text: string, attachments: AttachmentRef[]): Promise<IntakeOutcome> {
    if (!mail.from) return { kind: 'dropped', why: 'no sender' }
    const related = relatedIdsOf(mail.inReplyTo, mail.references)
    const threadKey = await this.threadKeyFor(mailbox, mail, related)
    const subject = baseSubject(mail.subject) || '（无主题）'
    try {
      const received = await this.deps.inbox.receive({
        channel: 'email',
        threadKey,
        relatedExternalIds: related,
        identity: { kind: 'email', value: mail.from.address, displayName: mail.from.name || mail.from.address },
        subject,
        externalId: mail.messageId,
        text,
        html: mail.html,
        attachments,
        replyToExternalId: mail.inReplyTo[0] ?? null,
        skillGroupId: mailbox.skillGroupId,
        meta: { mailboxId: mailbox.id, mailbox: mailbox.address, email: mail.from.address },
        ...(mail.date ? { sentAt: mail.date.getTime() } : {}),
      })
      return { kind: 'filed', ...received }
    } catch (err) {
      // A mailbox routed to a group that no longer exists: no retry can fix that message.
      if (err instanceof AppError && err.code === 'invalid_argument') {
        this.deps.log.error({ err, mailbox: mailbox.address, messageId: mail.messageId }, 'email could not be filed; dropped')
        return { kind: 'dropped', why: err.message }
      }
      throw err
    }
  }

  /** An inbound email already filed (a second read of the same message). */
  private async known(messageId: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom('messages')
      .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
      .select('messages.id')
      .where('conversations.channel', '=', 'email')
      .where('messages.external_id', '=', messageId)
      .where('messages.direction', '=', 'in')
      .executeTakeFirst()
    return row !== undefined
  }

  /**
   * `<mailboxId>:<root id>`; when neither the references nor that key lead to a conversation,
   * the sender's recent conversation in this mailbox with the same subject (mailers that drop
   * References, customers who answer by writing a new mail with "回复:" typed by hand).
   */
  private async threadKeyFor(mailbox: MailboxConfig, mail: ParsedEmail, related: readonly string[]): Promise<string> {
    const key = threadKeyOf(mailbox.id, rootIdOf(mail.messageId, mail.inReplyTo, mail.references))
    const { db } = this.deps
    if (related.length > 0) {
      const byReference = await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select('conversations.id')
        .where('conversations.channel', '=', 'email')
        .where('messages.external_id', 'in', related)
        .executeTakeFirst()
      if (byReference) return key
    }
    const byKey = await db.selectFrom('conversations').select('id').where('channel', '=', 'email').where('thread_key', '=', key).executeTakeFirst()
    if (byKey) return key
    const subject = baseSubject(mail.subject)
    if (subject === '' || !mail.from) return key
    const bySubject = await db
      .selectFrom('conversations')
      .select('thread_key')
      .where('channel', '=', 'email')
      .where('identity_value', '=', mail.from.address)
      .where('subject', '=', subject)
      .where('thread_key', 'like', `${mailbox.id}:%`)
      .where('last_message_at', '>=', this.now() - SUBJECT_MATCH_WINDOW_MS)
      .orderBy('last_message_at', 'desc')
      .executeTakeFirst()
    return bySubject?.thread_key ?? key
  }

  private async storeAttachments(mailbox: MailboxConfig, mail: ParsedEmail): Promise<{ refs: AttachmentRef[]; notes: string[] }> {
    const refs: AttachmentRef[] = []
    const notes: string[] = []
    for (const file of mail.attachments) {
      if (file.data.byteLength === 0) continue
      if (refs.length >= MAX_ATTACHMENTS) {
        notes.push(`【系统提示】附件“${file.name}”未保存：一封邮件最多保存 ${MAX_ATTACHMENTS} 个附件。`)
        continue
      }
      if (file.data.byteLength > this.deps.attachments.maxBytes) {
        this.deps.log.warn({ mailbox: mailbox.address, messageId: mail.messageId, name: file.name, size: file.data.byteLength }, 'email attachment over the size limit not stored')
        notes.push(`【系统提示】附件“${file.name}”（${formatSize(file.data.byteLength)}）超过 ${formatSize(this.deps.attachments.maxBytes)} 的大小限制，未保存。`)
        continue
      }
      try {
        refs.push(await this.deps.attachments.save({ name: file.name, mime: file.mime, data: file.data, source: 'customer' }))
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        this.deps.log.warn({ err, mailbox: mailbox.address, name: file.name }, 'email attachment refused')
        notes.push(`【系统提示】附件“${file.name}”未保存：${err.message}`)
      }
    }
    return { refs, notes }
  }

  /** A returned message: marks our reply it quotes as not delivered; never opens a conversation. */
  private async bounce(mailbox: MailboxConfig, mail: ParsedEmail, raw: Buffer, why: string): Promise<IntakeOutcome> {
    const candidates = quotedMessageIds(raw, mail.hasOwnMessageId ? mail.messageId : null)
    const { db } = this.deps
    const reply = candidates.length === 0
      ? undefined
      : await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.id', 'messages.conversation_id', 'messages.agent_id', 'messages.author_name', 'conversations.subject'])
        .where('conversations.channel', '=', 'email')
        .where('messages.direction', '=', 'out')
        .where('messages.external_id', 'in', candidates)
        .executeTakeFirst()
    if (!reply) {
      this.deps.log.info({ mailbox: mailbox.address, from: mail.from?.address, why, quoted: candidates }, 'bounce that matches none of our replies dropped')
      return { kind: 'bounce', matchedReply: false }
    }
    const reason = bounceReason(raw)
    const now = this.now()
    const scopes = await db.transaction().execute(async (trx) => {
      await trx.updateTable('messages').set({ delivery: 'failed', delivery_error: reason }).where('id', '=', reply.id).execute()
      return new ChangeSet().add('message', reply.id, reply.conversation_id).flush(trx, now)
    })
    this.deps.notifier.changed(scopes)
    const agent = reply.agent_id ? await db.selectFrom('agents').select('team_id').where('id', '=', reply.agent_id).executeTakeFirst() : undefined
    this.deps.inbox.raiseAlert(
      { kind: 'delivery_failed', conversationId: reply.conversation_id, subject: reply.subject, agentId: reply.agent_id, agentName: reply.author_name, detail: reason, at: now },
      agent?.team_id ?? null,
    )
    this.deps.log.warn({ mailbox: mailbox.address, messageId: reply.id, reason }, 'a reply bounced; marked as not delivered')
    return { kind: 'bounce', matchedReply: true }
  }
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}
