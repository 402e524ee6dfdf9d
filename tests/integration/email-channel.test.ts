import iconv from 'iconv-lite'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { simpleParser } from 'mailparser'
import { base64Lines, gbkWord, startEmailCentre, SUPPORT, utf8Mail, type EmailCentre } from '../support/email-centre'
import { conversationOp, eventually, inboxOf, messagesOf, nextAlert, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { agentSocket } from '../support/sync-centre'

const CUSTOMER = 'zhang.wei@customer.test'
const SUBJECT = '关于十一月话费账单的疑问'
const BODY = '您好，我的十一月话费比上月多了 58 元，账单里有一项“增值业务费”我没有订过，请帮忙核实。\n截图见附件。\n张伟'
const FILE_NAME = '账单截图（十一月）.pdf'
const FILE_BYTES = Buffer.from('%PDF-1.4\n% 测试附件内容\n%%EOF\n')

/** A GBK mail as Foxmail writes it: GBK B-words in headers, a GBK body, an RFC 2231 file name. */
function gbkMail(): Buffer {
  const encodedName = [...iconv.encode(FILE_NAME, 'gbk')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  return Buffer.from(
    [
      `From: ${gbkWord('张伟')} <Zhang.Wei@Customer.test>`,
      `To: ${gbkWord('客服中心')} <${SUPPORT.user}>`,
      `Subject: ${gbkWord(SUBJECT)}`,
      'Message-ID: <gbk-first-1@customer.test>',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'X-Mailer: Foxmail 7.2',
      'Content-Type: multipart/mixed; boundary="----=_NextPart_000_1"',
      '',
      '------=_NextPart_000_1',
      'Content-Type: text/plain; charset="GBK"',
      'Content-Transfer-Encoding: base64',
      '',
      base64Lines(iconv.encode(BODY, 'gbk')),
      '',
      '------=_NextPart_000_1',
      `Content-Type: application/pdf; name="${gbkWord(FILE_NAME)}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename*=GBK''${encodedName}`,
      '',
      base64Lines(FILE_BYTES),
      '',
      '------=_NextPart_000_1--',
      '',
    ].join('\r\n'),
  )
}

describe('email channel against Dovecot and an SMTP server', () => {
  let mail: EmailCentre
  let agent: Socket
  let conversationId = ''
  let replyMessageId = ''

  beforeAll(async () => {
    mail = await startEmailCentre()
    agent = await agentSocket(mail.centre.server.url, 'agent1', PASSWORD)
    await setReady(agent)
  })

  afterAll(async () => {
    agent?.disconnect()
    await mail?.cleanup()
  })

  it('the admin API lists the mailbox without its passwords', async () => {
    const res = await fetch(`${mail.centre.server.url}/api/admin/mailboxes`, { headers: { authorization: `Bearer ${mail.adminToken}` } })
    expect(res.status).toBe(200)
    const text = await res.text()
    expect(text).not.toContain(SUPPORT.password)
    expect(text).not.toContain('smtp-secret-1')
    const [box] = JSON.parse(text) as { address: string; connected: boolean; imap: { passwordSet: boolean } }[]
    expect(box).toMatchObject({ address: SUPPORT.user, connected: true, imap: { passwordSet: true } })
  })

  it('a GBK email with a Chinese subject and attachment becomes a conversation offered to the agent', async () => {
    await mail.dovecot.append(SUPPORT, gbkMail())
    const { conversation, view } = await eventually(async () => {
      const view = await inboxOf(agent)
      const conversation = [...view.conversations.values()].find((c) => c.channel === 'email' && c.status === 'offered')
      return conversation ? { conversation, view } : undefined
    }, 'the email conversation offered to agent1')
    conversationId = conversation.id
    expect(conversation.subject).toBe(SUBJECT)
    expect(conversation.identity).toEqual({ kind: 'email', value: CUSTOMER, displayName: '张伟' })
    expect(conversation.meta).toMatchObject({ mailbox: SUPPORT.user, email: CUSTOMER })
    const [first] = messagesOf(view, conversation.id)
    expect(first?.direction).toBe('in')
    expect(first?.text).toContain('增值业务费')
    expect(first?.attachments).toHaveLength(1)
    expect(first?.attachments[0]).toMatchObject({ name: FILE_NAME, mime: 'application/pdf', size: FILE_BYTES.byteLength })
    const stored = await mail.centre.server.attachments.get(first?.attachments[0]?.id ?? '')
    expect(Buffer.from(stored?.data ?? []).equals(FILE_BYTES)).toBe(true)
  })

  it("the agent's reply goes out by SMTP with threading headers and the quoted history, and a copy lands in Sent", async () => {
    expect((await pushOne(agent, conversationOp('conversation.accept', { conversationId }))).status).toBe('applied')
    const receipt = await mail.centre.server.attachments.save({ name: '退款凭证.pdf', mime: 'application/pdf', data: Buffer.from('%PDF-1.4 退款凭证'), source: 'agent', uploadedBy: 'a1' })
    const reply = replyOp(conversationId, '张先生您好，增值业务费是“彩铃”包月费，已为您退订并退还 5 元。', { attachmentIds: [receipt.id] })
    expect((await pushOne(agent, reply)).status).toBe('applied')
    const caught = await mail.smtp.waitFor((m) => m.to.includes(CUSTOMER), 'the reply to the customer')
    const parsed = caught.parsed
    expect(caught.from).toBe(SUPPORT.user)
    expect(parsed.subject).toBe(`Re: ${SUBJECT}`)
    expect(parsed.inReplyTo).toBe('<gbk-first-1@customer.test>')
    expect([parsed.references].flat()).toEqual(['<gbk-first-1@customer.test>'])
    expect(parsed.text).toContain('彩铃')
    expect(parsed.text).toMatch(/在 .+，张伟 <zhang\.wei@customer\.test> 写道：/)
    expect(parsed.text).toContain('> 您好，我的十一月话费')
    expect(parsed.html).toContain('<blockquote')
    expect(parsed.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['退款凭证.pdf', '%PDF-1.4 退款凭证']])
    replyMessageId = parsed.messageId ?? ''
    expect(replyMessageId).toMatch(/^<.+@example\.test>$/)

    const delivered = await eventually(async () => {
      const view = await inboxOf(agent)
      const sent = view.messages.get(reply.payload.messageId)
      return sent?.delivery === 'sent' ? sent : undefined
    }, 'the reply marked as sent')
    expect(delivered.deliveryError).toBeNull()
    const row = await mail.centre.server.db.selectFrom('messages').select('external_id').where('id', '=', reply.payload.messageId).executeTakeFirstOrThrow()
    expect(row.external_id).toBe(replyMessageId)

    const sentCopies = await eventually(async () => {
      const copies = await mail.dovecot.messages(SUPPORT, 'Sent')
      return copies.length > 0 ? copies : undefined
    }, 'the copy in Sent')
    expect((await simpleParser(sentCopies[0] as Buffer)).messageId).toBe(replyMessageId)
  })

  it("the customer's follow-up to our reply lands in the same conversation", async () => {
    await mail.dovecot.append(
      SUPPORT,
      utf8Mail({
        from: CUSTOMER,
        fromName: '张伟',
        subject: `回复: Re: ${SUBJECT}`,
        messageId: '<follow-up-1@customer.test>',
        inReplyTo: replyMessageId,
        references: ['<gbk-first-1@customer.test>', replyMessageId],
        text: '收到，谢谢！另外能否把我的套餐改成 59 元的？',
      }),
    )
    const view = await eventually(async () => {
      const view = await inboxOf(agent)
      return messagesOf(view, conversationId).some((m) => m.text.includes('59 元')) ? view : undefined
    }, 'the follow-up in the conversation')
    expect([...view.conversations.values()].filter((c) => c.channel === 'email')).toHaveLength(1)
    expect(messagesOf(view, conversationId).map((m) => m.direction)).toEqual(['in', 'out', 'in'])
  })

  it('a mail without references but with the same subject from the same sender joins the thread', async () => {
    await mail.dovecot.append(
      SUPPORT,
      utf8Mail({ from: CUSTOMER, fromName: '张伟', subject: `答复：${SUBJECT}`, messageId: '<no-refs-1@customer.test>', text: '（新写的邮件）套餐的事也麻烦一起看看。' }),
    )
    const row = await eventually(async () => {
      const rows = await mail.centre.server.db.selectFrom('messages').select('conversation_id').where('external_id', '=', '<no-refs-1@customer.test>').execute()
      return rows[0]
    }, 'the mail without references')
    expect(row.conversation_id).toBe(conversationId)
  })

  it('an auto-reply opens no conversation and gets no answer', async () => {
    const sentBefore = mail.smtp.mails.length
    await mail.dovecot.append(
      SUPPORT,
      utf8Mail({
        from: 'li.na@customer.test',
        subject: '自动回复: 已收到您的邮件',
        messageId: '<auto-1@customer.test>',
        inReplyTo: replyMessageId,
        text: '我正在休假，11 月 30 日返回。',
        extraHeaders: ['Auto-Submitted: auto-replied', 'X-Autoreply: yes'],
      }),
    )
    await mail.dovecot.append(
      SUPPORT,
      utf8Mail({ from: 'marker@customer.test', subject: '宽带报修', messageId: '<marker-1@customer.test>', text: '家里宽带断了，麻烦派人来看看。' }),
    )
    // Mail is read in UID order: once the later message is filed, the auto-reply has been handled.
    await eventually(async () => {
      const rows = await mail.centre.server.db.selectFrom('messages').select('id').where('external_id', '=', '<marker-1@customer.test>').execute()
      return rows.length === 1
    }, 'the message after the auto-reply')
    const auto = await mail.centre.server.db.selectFrom('messages').select('id').where('external_id', '=', '<auto-1@customer.test>').execute()
    expect(auto).toHaveLength(0)
    const fromAuto = await mail.centre.server.db.selectFrom('conversations').select('id').where('identity_value', '=', 'li.na@customer.test').execute()
    expect(fromAuto).toHaveLength(0)
    expect(mail.smtp.mails.length).toBe(sentBefore)
  })

  it('resolving sends a survey link; the page stores the rating', async () => {
    const resolved = await pushOne(agent, conversationOp('conversation.resolve', { conversationId, disposition: 'solved', note: '' }))
    expect(resolved.status).toBe('applied')
    const survey = await mail.smtp.waitFor((m) => m.to.includes(CUSTOMER) && (m.parsed.subject ?? '').includes('满意度'), 'the survey mail')
    expect(survey.parsed.headers.get('auto-submitted')).toBe('auto-generated')
    const link = /(http:\/\/\S+\/survey\/\S+)/.exec(survey.parsed.text ?? '')?.[1]
    expect(link).toBeDefined()
    const page = await fetch(link as string)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain(SUBJECT)
    expect(html.match(/name="rating"/g)).toHaveLength(5)

    const bad = await fetch(`${link as string}x`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=5' })
    expect(bad.status).toBe(404)
    const notANumber = await fetch(link as string, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=9' })
    expect(notANumber.status).toBe(400)

    const rated = await fetch(link as string, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'rating=4' })
    expect(rated.status).toBe(200)
    const row = await mail.centre.server.db.selectFrom('conversations').select('rating').where('id', '=', conversationId).executeTakeFirstOrThrow()
    expect(row.rating).toBe(4)
  })

  it("a bounce of our reply marks that reply as not delivered and tells the agent; it opens no conversation", async () => {
    const alert = nextAlert(agent, 'delivery_failed', 15_000)
    const reply = await mail.centre.server.db.selectFrom('messages').select('id').where('external_id', '=', replyMessageId).executeTakeFirstOrThrow()
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
      `To: ${SUPPORT.user}`,
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <dsn-1@mx.customer.test>',
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"',
      '',
      '--dsn',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      'This is the mail system. Your message could not be delivered.',
      '',
      '--dsn',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.customer.test',
      '',
      `Final-Recipient: rfc822; ${CUSTOMER}`,
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 <zhang.wei@customer.test>: Recipient address rejected: User unknown',
      '',
      '--dsn',
      'Content-Type: text/rfc822-headers',
      '',
      `From: ${SUPPORT.user}`,
      `To: ${CUSTOMER}`,
      `Subject: Re: ${SUBJECT}`,
      `Message-ID: ${replyMessageId}`,
      '',
      '--dsn--',
      '',
    ].join('\r\n')
    await mail.dovecot.append(SUPPORT, dsn)
    const failed = await eventually(async () => {
      const row = await mail.centre.server.db.selectFrom('messages').select(['delivery', 'delivery_error']).where('id', '=', reply.id).executeTakeFirstOrThrow()
      return row.delivery === 'failed' ? row : undefined
    }, 'the bounced reply marked failed')
    expect(failed.delivery_error).toContain('5.1.1')
    expect((await alert).conversationId).toBe(conversationId)
    const fromDaemon = await mail.centre.server.db.selectFrom('conversations').select('id').where('identity_value', 'like', 'mailer-daemon%').execute()
    expect(fromDaemon).toHaveLength(0)
  })
})
