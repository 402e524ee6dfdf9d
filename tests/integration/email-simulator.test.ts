import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoMailbox } from '../../src/server/channels/email/demo-config'
import { startEmailSimulator } from '../../src/server/simulator/email-simulator'
import { startEmailCentre, SUPPORT, type EmailCentre } from '../support/email-centre'
import { eventually } from '../support/inbox-centre'

describe('email customer simulator (demo traffic)', () => {
  let mail: EmailCentre

  beforeAll(async () => {
    mail = await startEmailCentre()
  })

  afterAll(async () => {
    await mail?.cleanup()
  })

  it('its emails (GBK and UTF-8, attachments, follow-ups) are all filed by the email channel', async () => {
    const simulator = startEmailSimulator({
      imap: { host: '127.0.0.1', port: mail.dovecot.port, secure: false, user: SUPPORT.user, password: SUPPORT.password },
      to: SUPPORT.user,
      perMinute: 0,
      seed: 42,
    })
    const count = 30
    try {
      for (let i = 0; i < count; i++) await simulator.sendOne()
    } finally {
      await simulator.stop()
    }
    expect(simulator.sent).toBe(count)
    const db = mail.centre.server.db
    const rows = await eventually(async () => {
      const rows = await db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select(['messages.text', 'messages.attachments', 'messages.conversation_id', 'conversations.subject', 'conversations.identity_name'])
        .where('conversations.channel', '=', 'email')
        .where('messages.direction', '=', 'in')
        .execute()
      return rows.length === count ? rows : undefined
    }, 'every simulated email filed', 30_000)
    for (const row of rows) {
      expect(row.text).toMatch(/[\u4e00-\u9fff]/)
      expect(row.subject).toMatch(/[\u4e00-\u9fff]/)
      expect(row.subject).not.toMatch(/^(回复|Re)/)
      expect(row.identity_name).toMatch(/^[\u4e00-\u9fff]{2,4}$/)
    }
    expect(rows.some((r) => JSON.parse(r.attachments).length > 0)).toBe(true)
    const perConversation = new Map<string, number>()
    for (const row of rows) perConversation.set(row.conversation_id, (perConversation.get(row.conversation_id) ?? 0) + 1)
    // Follow-ups joined their threads.
    expect([...perConversation.values()].some((n) => n > 1)).toBe(true)
    expect(perConversation.size).toBeLessThan(count)
  })

  it('the demo mailbox helper finds the configured mailbox instead of adding it twice', async () => {
    const server = { host: '127.0.0.1', imapPort: mail.dovecot.port, smtpPort: mail.smtp.port, address: SUPPORT.user.toUpperCase(), password: SUPPORT.password }
    expect(await ensureDemoMailbox(mail.centre.server.db, server, 's1')).toBe(mail.mailboxId)
    const other = await ensureDemoMailbox(mail.centre.server.db, { ...server, address: 'demo@example.test' }, 's1')
    expect(other).not.toBe(mail.mailboxId)
    expect(await ensureDemoMailbox(mail.centre.server.db, { ...server, address: 'demo@example.test' }, 's1')).toBe(other)
  })
})
