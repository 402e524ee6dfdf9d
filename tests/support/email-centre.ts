/**
 * The email channel against real servers: a throwaway Dovecot holding the support mailbox, an SMTP
 * catcher for what agents send, and the mini centre with that mailbox configured through the admin
 * API (routed to skill group s1, which agent1 has).
 */
import iconv from 'iconv-lite'
import type { ServerConfig } from '../../src/server/config'
import { startDovecot, type Dovecot, type MailUser } from './dovecot'
import { eventually } from './inbox-centre'
import { PASSWORD, startTestCentre, type TestCentre } from './mini-centre'
import { startSmtpCatcher, type SmtpCatcher } from './smtp-catcher'
import { accessToken } from './sync-centre'

export const SUPPORT: MailUser = { user: 'support@example.test', password: 'imap-secret-1' }

export interface EmailCentre {
  centre: TestCentre
  dovecot: Dovecot
  smtp: SmtpCatcher
  mailboxId: string
  adminToken: string
  /** Waits until the server's IMAP connection to the support mailbox is up. */
  connected(): Promise<void>
  cleanup(): Promise<void>
}

export interface EmailCentreOptions {
  server?: Partial<ServerConfig>
  /** Appended to Dovecot's config. */
  dovecotConfig?: string
  pollIntervalMs?: number
}

export async function startEmailCentre(options: EmailCentreOptions = {}): Promise<EmailCentre> {
  const dovecot = await startDovecot([SUPPORT], options.dovecotConfig)
  let smtp: SmtpCatcher | undefined
  let centre: TestCentre | undefined
  try {
    smtp = await startSmtpCatcher({ user: SUPPORT.user, password: 'smtp-secret-1' })
    centre = await startTestCentre(options.server)
    const adminToken = await accessToken(centre.server.url, 'admin', PASSWORD)
    const res = await fetch(`${centre.server.url}/api/admin/mailboxes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        address: SUPPORT.user,
        displayName: '客服中心',
        imap: { host: '127.0.0.1', port: dovecot.port, secure: false, user: SUPPORT.user, password: SUPPORT.password },
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: SUPPORT.user, password: 'smtp-secret-1' },
        skillGroupId: 's1',
        pollIntervalMs: options.pollIntervalMs ?? 30_000,
      }),
    })
    if (res.status !== 201) throw new Error(`mailbox not created: ${res.status} ${await res.text()}`)
    const { id } = (await res.json()) as { id: string }
    const running = { centre, smtp }
    const email: EmailCentre = {
      centre,
      dovecot,
      smtp,
      mailboxId: id,
      adminToken,
      async connected() {
        await eventually(async () => email.centre.server.email.connected(id), 'the IMAP connection of the support mailbox', 20_000)
      },
      async cleanup() {
        await running.centre.cleanup()
        await running.smtp.stop()
        await dovecot.cleanup()
      },
    }
    await email.connected()
    return email
  } catch (err) {
    await centre?.cleanup()
    await smtp?.stop()
    console.error(dovecot.log())
    await dovecot.cleanup()
    throw err
  }
}

/** RFC 2047 B-encoding in GBK, as Chinese mail clients (Foxmail, old Outlook) write headers. */
export function gbkWord(text: string): string {
  return `=?GBK?B?${iconv.encode(text, 'gbk').toString('base64')}?=`
}

/** Base64 lines of 76 characters. */
export function base64Lines(data: Buffer): string {
  return (data.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n')
}

export interface PlainMail {
  from: string
  fromName?: string
  subject: string
  messageId: string
  text: string
  inReplyTo?: string
  references?: string[]
  extraHeaders?: string[]
}

/** A simple UTF-8 mail, as raw bytes. */
export function utf8Mail(mail: PlainMail): Buffer {
  const lines = [
    `From: ${mail.fromName ? `=?UTF-8?B?${Buffer.from(mail.fromName).toString('base64')}?= ` : ''}<${mail.from}>`,
    `To: ${SUPPORT.user}`,
    `Subject: =?UTF-8?B?${Buffer.from(mail.subject).toString('base64')}?=`,
    `Message-ID: ${mail.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(mail.inReplyTo ? [`In-Reply-To: ${mail.inReplyTo}`] : []),
    ...(mail.references ? [`References: ${mail.references.join(' ')}`] : []),
    ...(mail.extraHeaders ?? []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(mail.text)),
    '',
  ]
  return Buffer.from(lines.join('\r\n'))
}
