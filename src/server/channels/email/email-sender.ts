import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { ImapFlow } from 'imapflow'
import nodemailer from 'nodemailer'
import MailComposer from 'nodemailer/lib/mail-composer'
import type Mail from 'nodemailer/lib/mailer'
import type { AttachmentStore } from '../../attachments/attachment-store'
import type { Database } from '../../db/schema'
import type { DeliveryOutcome, OutboundMessage, SurveyRequest } from '../../inbox/channel-port'
import type { Logger } from '../../logger'
import type { MailboxConfig } from './mailbox-store'
import { composeReplyBody, type QuotedMessage } from './quoted-reply'
import { escapeHtml } from './email-html'
import { isSyntheticMessageId } from './parse-email'
import { replySubject } from './threading'

export interface SenderDeps {
  db: Kysely<Database>
  attachments: AttachmentStore
  log: Logger
}

/** References carries the thread's first id and its latest ones; a long thread must not make a header of kilobytes. */
const MAX_REFERENCES = 20

/**
 * Sends agents' replies and survey mails of a support mailbox by SMTP, then keeps a copy in the
 * mailbox's Sent folder over IMAP (the exact bytes that went out).
 */
export class EmailSender {
  constructor(private readonly deps: SenderDeps) {}

  async sendReply(mailbox: MailboxConfig, message: OutboundMessage): Promise<DeliveryOutcome> {
    const answered = await this.answeredMessage(message)
    const quoted: QuotedMessage | null = answered
      ? { text: answered.text, authorName: answered.author_name, address: message.identity.value, at: answered.created_at }
      : null
    const body = composeReplyBody(message.text, quoted)
    const inReplyTo = answered?.external_id && !isSyntheticMessageId(answered.external_id) ? answered.external_id : null
    const references = referencesOf(message.threadExternalIds, inReplyTo)
    const files: Mail.Attachment[] = []
    for (const ref of message.attachments) {
      const stored = await this.deps.attachments.get(ref.id)
      if (!stored) return { ok: false, error: `The attachment ${ref.name} is no longer stored`, retry: false }
      files.push({ filename: stored.name, content: Buffer.from(stored.data), contentType: stored.mime })
    }
    const messageId = newMessageId(mailbox.address)
    const raw = await buildRaw({
      from: { name: mailbox.displayName, address: mailbox.address },
      to: { name: message.identity.displayName === message.identity.value ? '' : message.identity.displayName, address: message.identity.value },
      subject: replySubject(message.subject),
      messageId,
      ...(inReplyTo ? { inReplyTo } : {}),
      ...(references.length > 0 ? { references } : {}),
      text: body.text,
      html: body.html,
      attachments: files,
    })
    const outcome = await this.send(mailbox, message.identity.value, raw)
    if (!outcome.ok) return outcome
    await this.keepSentCopy(mailbox, raw)
    return { ok: true, externalId: messageId }
  }

  /** The satisfaction link, in a mail marked as automatic so autoresponders do not answer it. */
  async sendSurvey(mailbox: MailboxConfig, request: SurveyRequest, link: string): Promise<void> {
    const greeting = request.identity.displayName && request.identity.displayName !== request.identity.value ? `${request.identity.displayName}，您好：` : '您好：'
    const text = [
      greeting,
      '',
      `感谢您联系${mailbox.displayName || '我们'}。关于“${request.subject}”的问题已处理完毕${request.agentName ? `（客服：${request.agentName}）` : ''}。`,
      '请花几秒钟为本次服务打分（1–5 分）：',
      link,
      '',
      'Please rate our service (1–5): ' + link,
    ].join('\n')
    const html = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;font-size:14px">` +
      `<p>${escapeHtml(greeting)}</p><p>${escapeHtml(text.split('\n')[2] ?? '')}</p>` +
      `<p><a href="${escapeHtml(link)}">为本次服务打分 / Rate our service</a></p></body></html>`
    const raw = await buildRaw({
      from: { name: mailbox.displayName, address: mailbox.address },
      to: { name: '', address: request.identity.value },
      subject: `服务满意度调查：${request.subject}`.slice(0, 200),
      messageId: newMessageId(mailbox.address),
      headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      text,
      html,
    })
    const outcome = await this.send(mailbox, request.identity.value, raw)
    if (!outcome.ok) throw new Error(`survey mail not sent: ${outcome.error}`)
  }

  private async send(mailbox: MailboxConfig, to: string, raw: Buffer): Promise<DeliveryOutcome> {
    const { smtp } = mailbox
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: { user: smtp.user, pass: smtp.password },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    })
    try {
      await transport.sendMail({ envelope: { from: mailbox.address, to: [to] }, raw })
      return { ok: true, externalId: null }
    } catch (err) {
      const failure = smtpFailure(err)
      this.deps.log.warn({ mailbox: mailbox.address, error: failure.error, retry: failure.retry }, 'SMTP send failed')
      return failure
    } finally {
      transport.close()
    }
  }

  /** APPENDs the sent message to the Sent folder (found by its \Sent flag, else "Sent", created when missing). */
  private async keepSentCopy(mailbox: MailboxConfig, raw: Buffer): Promise<void> {
    const { imap } = mailbox
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
      disableAutoIdle: true,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
    })
    client.on('error', () => undefined)
    try {
      await client.connect()
      const folders = await client.list()
      let sent = folders.find((f) => f.specialUse === '\\Sent')?.path ?? folders.find((f) => f.path.toLowerCase() === 'sent')?.path
      if (!sent) {
        await client.mailboxCreate('Sent')
        sent = 'Sent'
      }
      await client.append(sent, raw, ['\\Seen'])
      await client.logout()
    } catch (err) {
      // The reply reached the customer; only our copy is missing. Said in the log, not to the agent.
      this.deps.log.warn({ err, mailbox: mailbox.address }, 'the sent copy could not be kept in the Sent folder')
      client.close()
    }
  }

  /** The customer message a reply answers: the one the agent quoted, else the latest from the customer. */
  private async answeredMessage(message: OutboundMessage): Promise<{ text: string; author_name: string; external_id: string | null; created_at: number } | undefined> {
    const base = this.deps.db
      .selectFrom('messages')
      .select(['text', 'author_name', 'external_id', 'created_at'])
      .where('conversation_id', '=', message.conversationId)
      .where('direction', '=', 'in')
    if (message.replyTo) {
      const chosen = await base.where('id', '=', message.replyTo.messageId).executeTakeFirst()
      if (chosen) return chosen
    }
    return base.orderBy('created_at', 'desc').limit(1).executeTakeFirst()
  }
}

interface RawMail {
  from: { name: string; address: string }
  to: { name: string; address: string }
  subject: string
  messageId: string
  inReplyTo?: string
  references?: string[]
  headers?: Record<string, string>
  text: string
  html: string
  attachments?: Mail.Attachment[]
}

async function buildRaw(mail: RawMail): Promise<Buffer> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    messageId: mail.messageId,
    date: new Date(),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references ? { references: mail.references } : {}),
    ...(mail.headers ? { headers: mail.headers } : {}),
    text: mail.text,
    html: mail.html,
    attachments: mail.attachments ?? [],
    textEncoding: 'base64',
  })
  return new Promise<Buffer>((resolve, reject) => composer.compile().build((err, message) => (err ? reject(err) : resolve(message))))
}

function newMessageId(address: string): string {
  const domain = address.split('@')[1] ?? 'omnidesk.invalid'
  return `<${randomUUID()}@${domain}>`
}

/** The thread's first id, then its latest, ending with the message answered. */
export function referencesOf(threadIds: readonly string[], inReplyTo: string | null): string[] {
  const ids = [...new Set([...threadIds.filter((id) => id !== inReplyTo && /^<[^<>\s]+>$/.test(id) && !isSyntheticMessageId(id)), ...(inReplyTo ? [inReplyTo] : [])])]
  if (ids.length <= MAX_REFERENCES) return ids
  return [ids[0] as string, ...ids.slice(ids.length - (MAX_REFERENCES - 1))]
}

/** An SMTP failure as the agent sees it: the server's reply; 4xx and broken connections are worth retrying. */
export function smtpFailure(err: unknown): { ok: false; error: string; retry: boolean } {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string }
  const error = (e.response ?? e.message ?? String(err)).replace(/\s+/g, ' ').trim().slice(0, 480)
  if (typeof e.responseCode === 'number') return { ok: false, error, retry: e.responseCode >= 400 && e.responseCode < 500 }
  const transient = ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPROTOCOL'].includes(e.code ?? '')
  return { ok: false, error, retry: transient || e.code === undefined }
}
