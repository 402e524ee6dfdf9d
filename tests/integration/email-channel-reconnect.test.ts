import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmailCentre, SUPPORT, utf8Mail, type EmailCentre } from '../support/email-centre'
import { eventually } from '../support/inbox-centre'

async function countOf(mail: EmailCentre, externalId: string): Promise<number> {
  const rows = await mail.centre.server.db.selectFrom('messages').select('id').where('external_id', '=', externalId).execute()
  return rows.length
}

const customerMail = (id: string, text: string): Buffer =>
  utf8Mail({ from: 'zhao.lei@customer.test', fromName: '赵磊', subject: `宽带问题 ${id}`, messageId: `<${id}@customer.test>`, text })

describe('email channel across outages', () => {
  let mail: EmailCentre

  beforeAll(async () => {
    mail = await startEmailCentre()
  })

  afterAll(async () => {
    await mail?.cleanup()
  })

  it('mail delivered while the IMAP server is down arrives exactly once after it comes back', async () => {
    await mail.dovecot.append(SUPPORT, customerMail('before-outage', '宽带经常掉线。'))
    await eventually(async () => (await countOf(mail, '<before-outage@customer.test>')) === 1, 'the mail before the outage')

    await mail.dovecot.stop()
    await eventually(async () => !mail.centre.server.email.connected(mail.mailboxId), 'the channel noticing the drop')
    // The MTA keeps delivering into the maildir while IMAP is down.
    mail.dovecot.deliverToMaildir(SUPPORT, customerMail('during-outage', '现在还是连不上。'))
    await mail.dovecot.start()

    await eventually(async () => (await countOf(mail, '<during-outage@customer.test>')) === 1, 'the mail sent during the outage', 30_000)
    await mail.dovecot.append(SUPPORT, customerMail('after-outage', '好了，谢谢。'))
    await eventually(async () => (await countOf(mail, '<after-outage@customer.test>')) === 1, 'the mail after the outage')
    for (const id of ['before-outage', 'during-outage', 'after-outage']) expect(await countOf(mail, `<${id}@customer.test>`)).toBe(1)
  })

  it('a restart of the central server continues after the last mail filed: nothing lost, nothing twice', async () => {
    await mail.centre.server.stop()
    await mail.dovecot.append(SUPPORT, customerMail('while-server-down', '服务器停了的时候发的。'))
    await mail.centre.restart()
    await eventually(async () => (await countOf(mail, '<while-server-down@customer.test>')) === 1, 'the mail sent while the server was down', 30_000)
    for (const id of ['before-outage', 'during-outage', 'after-outage', 'while-server-down']) expect(await countOf(mail, `<${id}@customer.test>`)).toBe(1)
    const state = await mail.centre.server.db.selectFrom('email_sync_state').selectAll().where('mailbox_id', '=', mail.mailboxId).executeTakeFirstOrThrow()
    expect(Number(state.last_uid)).toBe(4)
  })

  it('the same message read again after its UID was lost is recognised by its Message-ID', async () => {
    // As after a crash between filing a message and saving the UID.
    await mail.centre.server.db.updateTable('email_sync_state').set({ last_uid: 0 }).where('mailbox_id', '=', mail.mailboxId).execute()
    await mail.dovecot.append(SUPPORT, customerMail('after-reset', '再确认一下。'))
    await eventually(async () => (await countOf(mail, '<after-reset@customer.test>')) === 1, 'the mail after the reset')
    for (const id of ['before-outage', 'during-outage', 'after-outage', 'while-server-down']) expect(await countOf(mail, `<${id}@customer.test>`)).toBe(1)
  })
})

describe('email channel on a server without IDLE', () => {
  let mail: EmailCentre

  beforeAll(async () => {
    // Dovecot advertises exactly this list: no IDLE, so the channel has to poll.
    mail = await startEmailCentre({ dovecotConfig: 'imap_capability = IMAP4rev1 SASL-IR LITERAL+ ENABLE UIDPLUS NAMESPACE', pollIntervalMs: 5_000 })
  })

  afterAll(async () => {
    await mail?.cleanup()
  })

  it('polls and still receives every mail once', async () => {
    await mail.dovecot.append(SUPPORT, customerMail('polled-1', '轮询收到的第一封。'))
    await eventually(async () => (await countOf(mail, '<polled-1@customer.test>')) === 1, 'the first polled mail', 20_000)
    await mail.dovecot.append(SUPPORT, customerMail('polled-2', '轮询收到的第二封。'))
    await eventually(async () => (await countOf(mail, '<polled-2@customer.test>')) === 1, 'the second polled mail', 20_000)
    expect(await countOf(mail, '<polled-1@customer.test>')).toBe(1)
  })
})
