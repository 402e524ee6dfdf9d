import { randomBytes } from 'node:crypto'
import type { Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { base64Lines, startEmailCentre, SUPPORT, utf8Mail, type EmailCentre } from '../support/email-centre'
import { conversationOp, eventually, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { agentSocket } from '../support/sync-centre'

/** Mail is read in UID order: once a later good message is filed, every earlier one has been handled. */
async function fileMarker(mail: EmailCentre, id: string): Promise<void> {
  await mail.dovecot.append(SUPPORT, utf8Mail({ from: 'marker@customer.test', subject: `标记 ${id}`, messageId: `<${id}@customer.test>`, text: '正常邮件' }))
  await eventually(async () => (await inboundRows(mail, `<${id}@customer.test>`)).length === 1, `the good mail ${id}`, 20_000)
}

function inboundRows(mail: EmailCentre, externalId: string) {
  return mail.centre.server.db.selectFrom('messages').select(['id', 'text', 'html', 'attachments', 'conversation_id']).where('external_id', '=', externalId).execute()
}

function mixedMail(opts: { messageId: string; subject: string; text: string; attachment?: { name: string; mime: string; data: Buffer } }): Buffer {
  const parts = [
    `From: <wang.fang@customer.test>`,
    `To: ${SUPPORT.user}`,
    `Subject: =?UTF-8?B?${Buffer.from(opts.subject).toString('base64')}?=`,
    `Message-ID: ${opts.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(opts.text)),
  ]
  if (opts.attachment) {
    parts.push(
      '--mix',
      `Content-Type: ${opts.attachment.mime}`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename*=UTF-8''${encodeURIComponent(opts.attachment.name)}`,
      '',
      base64Lines(opts.attachment.data),
    )
  }
  parts.push('--mix--', '')
  return Buffer.from(parts.join('\r\n'))
}

describe('email channel under bad input', () => {
  let mail: EmailCentre
  let agent: Socket

  beforeAll(async () => {
    mail = await startEmailCentre()
    agent = await agentSocket(mail.centre.server.url, 'agent1', PASSWORD)
    await setReady(agent)
  })

  afterAll(async () => {
    agent?.disconnect()
    await mail?.cleanup()
  })

  // First: agent1 can hold two emails at once, and the later tests open more conversations.
  it('an SMTP refusal is shown on the reply; a temporary one is retried until it goes through', async () => {
    await mail.dovecot.append(SUPPORT, utf8Mail({ from: 'chen.jing@customer.test', subject: '退订短信', messageId: '<smtp-fail-1@customer.test>', text: '请帮我退订营销短信。' }))
    const [row] = await eventually(async () => {
      const rows = await inboundRows(mail, '<smtp-fail-1@customer.test>')
      return rows.length === 1 ? rows : undefined
    }, 'the mail to answer')
    const conversationId = row?.conversation_id ?? ''
    await eventually(async () => {
      const c = await mail.centre.server.db.selectFrom('conversations').select(['status', 'assigned_agent_id']).where('id', '=', conversationId).executeTakeFirstOrThrow()
      return c.status === 'offered' && c.assigned_agent_id === 'a1'
    }, 'the offer to agent1')
    expect((await pushOne(agent, conversationOp('conversation.accept', { conversationId }))).status).toBe('applied')

    mail.smtp.refuseWith({ code: 550, message: 'Mailbox unavailable: policy rejection' })
    const refused = replyOp(conversationId, '已为您退订。')
    expect((await pushOne(agent, refused)).status).toBe('applied')
    const failed = await eventually(async () => {
      const m = await mail.centre.server.db.selectFrom('messages').select(['delivery', 'delivery_error']).where('id', '=', refused.payload.messageId).executeTakeFirstOrThrow()
      return m.delivery === 'failed' ? m : undefined
    }, 'the refused reply marked failed')
    expect(failed.delivery_error).toContain('550')

    mail.smtp.refuseWith({ code: 451, message: 'Try again later' })
    const refusedBefore = mail.smtp.refused
    const later = replyOp(conversationId, '已为您退订，请留意短信确认。')
    expect((await pushOne(agent, later)).status).toBe('applied')
    await eventually(async () => mail.smtp.refused > refusedBefore, 'the first attempt refused with 451')
    mail.smtp.refuseWith(null)
    const waiting = await mail.centre.server.db.selectFrom('messages').select('delivery').where('id', '=', later.payload.messageId).executeTakeFirstOrThrow()
    // A temporary refusal leaves the reply waiting for its retry, not failed.
    expect(waiting.delivery).toBe('pending')
    const sent = await eventually(async () => {
      const m = await mail.centre.server.db.selectFrom('messages').select(['delivery', 'external_id']).where('id', '=', later.payload.messageId).executeTakeFirstOrThrow()
      return m.delivery === 'sent' ? m : undefined
    }, 'the retried reply sent', 20_000)
    const caught = await mail.smtp.waitFor((m) => m.parsed.messageId === sent.external_id, 'the retried reply')
    expect(caught.parsed.text).toContain('请留意短信确认')
  })

  it('garbage bytes and broken MIME are dropped or kept as text; nothing crashes and the next mail arrives', async () => {
    // Binary junk with NUL bytes, as a broken MTA might leave in a maildir.
    mail.dovecot.deliverToMaildir(SUPPORT, randomBytes(64 * 1024))
    // Headers without a sender.
    await mail.dovecot.append(SUPPORT, 'Subject: no sender\r\nMessage-ID: <nosender@x.test>\r\n\r\nhello\r\n')
    // A multipart without boundary, an unknown charset, broken base64 and a bogus encoded word.
    await mail.dovecot.append(
      SUPPORT,
      [
        'From: =?x-unknown?B?!!!?= <broken@customer.test>',
        `To: ${SUPPORT.user}`,
        'Subject: =?GBK?B?not base64 at all?=',
        'Message-ID: <broken-mime-1@customer.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed',
        '',
        '--nothing',
        'Content-Type: text/plain; charset=x-does-not-exist',
        'Content-Transfer-Encoding: base64',
        '',
        '@@@@ this is not base64 ****',
        '',
      ].join('\r\n'),
    )
    await fileMarker(mail, 'after-garbage')
    expect(await inboundRows(mail, '<nosender@x.test>')).toHaveLength(0)
    const broken = await inboundRows(mail, '<broken-mime-1@customer.test>')
    expect(broken.length).toBeLessThanOrEqual(1)
    const conversations = await mail.centre.server.db.selectFrom('conversations').select('subject').execute()
    for (const c of conversations) expect(c.subject.length).toBeLessThanOrEqual(500)
  })

  it('script, styles, event handlers and javascript: links never reach the stored HTML; remote images are blocked', async () => {
    const html = [
      '<html><head><style>body{background:url(https://track.example/bg.png)}</style><script>alert(1)</script></head>',
      '<body onload="steal()"><p>您好，<b>发票</b>问题请看：</p>',
      '<a href="javascript:alert(2)">点我</a> <a href="https://www.example.com/help">帮助</a>',
      '<img src="https://track.example/pixel.gif" onerror="alert(3)" alt="logo">',
      '<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name="p"></form>',
      '<svg><script>alert(4)</script></svg><div style="position:fixed">x</div></body></html>',
    ].join('')
    await mail.dovecot.append(
      SUPPORT,
      [
        'From: =?UTF-8?B?5p2O5aic?= <li.na@customer.test>',
        `To: ${SUPPORT.user}`,
        'Subject: =?UTF-8?B?5Y+R56Wo6Zeu6aKY?=',
        'Message-ID: <html-script-1@customer.test>',
        'MIME-Version: 1.0',
        'Content-Type: text/html; charset=UTF-8',
        'Content-Transfer-Encoding: base64',
        '',
        base64Lines(Buffer.from(html)),
        '',
      ].join('\r\n'),
    )
    const [row] = await eventually(async () => {
      const rows = await inboundRows(mail, '<html-script-1@customer.test>')
      return rows.length === 1 ? rows : undefined
    }, 'the HTML mail')
    const stored = row?.html ?? ''
    expect(stored).toContain('<b>发票</b>')
    expect(stored).toContain('href="https://www.example.com/help"')
    expect(stored).toContain('data-blocked-src="https://track.example/pixel.gif"')
    for (const bad of ['<script', 'alert(', 'onload', 'onerror', 'javascript:', '<style', '<iframe', '<form', '<input', 'style=']) {
      expect(stored).not.toContain(bad)
    }
    expect(stored).not.toMatch(/\ssrc="https?:/)
    expect(row?.text).toContain('发票')
    expect(row?.text).not.toContain('alert')
  })

  it('an attachment over the size limit is replaced by a note; the rest of the mail is kept', async () => {
    const big = Buffer.alloc(mail.centre.server.attachments.maxBytes + 1024, 7)
    await mail.dovecot.append(
      SUPPORT,
      mixedMail({ messageId: '<big-attachment-1@customer.test>', subject: '录音文件', text: '通话录音在附件里。', attachment: { name: '通话录音.wav', mime: 'audio/wav', data: big } }),
    )
    const [row] = await eventually(async () => {
      const rows = await inboundRows(mail, '<big-attachment-1@customer.test>')
      return rows.length === 1 ? rows : undefined
    }, 'the mail with the huge attachment', 30_000)
    expect(row?.text).toContain('通话录音在附件里。')
    expect(row?.text).toMatch(/附件“通话录音\.wav”.*超过.*未保存/)
    expect(JSON.parse(row?.attachments ?? '[]')).toEqual([])
  })

  it('a message larger than the receiving limit is filed by its headers with a note, without downloading it', async () => {
    const huge = Buffer.alloc(26 * 1024 * 1024, 1)
    await mail.dovecot.append(
      SUPPORT,
      mixedMail({ messageId: '<huge-message-1@customer.test>', subject: '超大邮件', text: '附件很大', attachment: { name: 'backup.zip', mime: 'application/zip', data: huge } }),
    )
    const [row] = await eventually(async () => {
      const rows = await inboundRows(mail, '<huge-message-1@customer.test>')
      return rows.length === 1 ? rows : undefined
    }, 'the oversized mail', 60_000)
    expect(row?.text).toMatch(/过大.*未导入/)
    const conversation = await mail.centre.server.db.selectFrom('conversations').select('subject').where('id', '=', row?.conversation_id ?? '').executeTakeFirstOrThrow()
    expect(conversation.subject).toBe('超大邮件')
    await fileMarker(mail, 'after-huge')
  }, 120_000)

  it('admin routes refuse bad input and non-admins', async () => {
    const url = `${mail.centre.server.url}/api/admin/mailboxes`
    const bad = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mail.adminToken}` },
      body: JSON.stringify({ address: 'not an address', imap: {}, smtp: {}, skillGroupId: 's1' }),
    })
    expect(bad.status).toBe(400)
    const unknownGroup = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${mail.adminToken}` },
      body: JSON.stringify({
        address: 'other@example.test',
        imap: { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' },
        smtp: { host: '127.0.0.1', port: 1, secure: false, user: 'u', password: 'p' },
        skillGroupId: 'no-such-group',
      }),
    })
    expect(unknownGroup.status).toBe(400)
    const agentToken = (agent.auth as { token: string }).token
    const forbidden = await fetch(url, { headers: { authorization: `Bearer ${agentToken}` } })
    expect(forbidden.status).toBe(403)
    const anonymous = await fetch(url)
    expect(anonymous.status).toBe(401)
    const boxes = (await (await fetch(url, { headers: { authorization: `Bearer ${mail.adminToken}` } })).json()) as unknown[]
    expect(boxes).toHaveLength(1)
  })

  it('a mailbox whose login fails says why; it can be disabled and deleted', async () => {
    const url = `${mail.centre.server.url}/api/admin/mailboxes`
    const admin = { 'content-type': 'application/json', authorization: `Bearer ${mail.adminToken}` }
    const created = await fetch(url, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        address: 'Sales@Example.test',
        imap: { host: '127.0.0.1', port: mail.dovecot.port, secure: false, user: SUPPORT.user, password: 'wrong-password' },
        smtp: { host: '127.0.0.1', port: mail.smtp.port, secure: false, user: SUPPORT.user, password: 'wrong-password' },
        skillGroupId: 's1',
      }),
    })
    expect(created.status).toBe(201)
    const { id, address } = (await created.json()) as { id: string; address: string }
    expect(address).toBe('sales@example.test')
    const failing = await eventually(async () => {
      const list = (await (await fetch(url, { headers: admin })).json()) as { id: string; connected: boolean; lastError: string | null }[]
      const box = list.find((b) => b.id === id)
      return box?.lastError ? box : undefined
    }, 'the login failure shown to the admin', 20_000)
    expect(failing.connected).toBe(false)
    expect(failing.lastError).toMatch(/auth/i)

    const disabled = await fetch(`${url}/${id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ enabled: false, imap: { password: 'still-wrong' } }) })
    expect(disabled.status).toBe(200)
    expect(await disabled.json()).toMatchObject({ enabled: false, connected: false, imap: { passwordSet: true } })
    const badPatch = await fetch(`${url}/${id}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ imap: { port: 'x' } }) })
    expect(badPatch.status).toBe(400)
    expect((await fetch(`${url}/${id}`, { method: 'DELETE', headers: { authorization: admin.authorization } })).status).toBe(200)
    expect((await fetch(`${url}/${id}`, { method: 'DELETE', headers: { authorization: admin.authorization } })).status).toBe(404)
    // The support mailbox kept working throughout.
    await fileMarker(mail, 'after-admin-changes')
  })
})
