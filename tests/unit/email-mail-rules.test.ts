import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { bounceReason, classifyMail, quotedMessageIds } from '../../src/server/channels/email/auto-reply'
import { referencesOf, smtpFailure } from '../../src/server/channels/email/email-sender'
import { sanitizeEmailHtml, textOfSafeHtml } from '../../src/server/channels/email/email-html'
import { isSyntheticMessageId, parseEmail } from '../../src/server/channels/email/parse-email'
import { baseSubject, messageIdsOf, relatedIdsOf, replySubject, rootIdOf } from '../../src/server/channels/email/threading'

const headers = (values: Record<string, string>) => (name: string) => values[name.toLowerCase()]

describe('email threading rules', () => {
  it('strips reply and forward prefixes in English and Chinese, with either colon', () => {
    expect(baseSubject('Re: RE: 回复：答复: Fwd: 转发：话费账单')).toBe('话费账单')
    expect(baseSubject('Re[2]: 宽带')).toBe('宽带')
    expect(baseSubject('  Report: 月度报告 ')).toBe('Report: 月度报告')
    expect(replySubject('回复: Re: 话费账单')).toBe('Re: 话费账单')
    expect(replySubject('话费账单')).toBe('Re: 话费账单')
  })

  it('reads Message-IDs from header values in any of their forms', () => {
    expect(messageIdsOf('<a@x> <b@y>')).toEqual(['<a@x>', '<b@y>'])
    expect(messageIdsOf(['<a@x>', '<b@y>'])).toEqual(['<a@x>', '<b@y>'])
    expect(messageIdsOf('bare@host.test')).toEqual(['<bare@host.test>'])
    expect(messageIdsOf('garbage')).toEqual([])
    expect(relatedIdsOf(['<c@x>'], ['<a@x>', '<b@x>', '<c@x>'])).toEqual(['<c@x>', '<b@x>', '<a@x>'])
    expect(rootIdOf('<m@x>', ['<c@x>'], ['<a@x>', '<c@x>'])).toBe('<a@x>')
    expect(rootIdOf('<m@x>', [], [])).toBe('<m@x>')
  })

  it('keeps References short on long threads, ending with the message answered', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `<m${i}@x>`)
    const refs = referencesOf(ids, '<m39@x>')
    expect(refs).toHaveLength(20)
    expect(refs[0]).toBe('<m0@x>')
    expect(refs.at(-1)).toBe('<m39@x>')
  })
})

describe('automatic mail', () => {
  it('recognises auto-replies and bounces by their headers, senders and subjects', () => {
    expect(classifyMail(headers({}), 'a@x.test', '话费').kind).toBe('person')
    expect(classifyMail(headers({ 'auto-submitted': 'no' }), 'a@x.test', '话费').kind).toBe('person')
    expect(classifyMail(headers({ 'auto-submitted': 'auto-replied' }), 'a@x.test', 'x').kind).toBe('auto_reply')
    expect(classifyMail(headers({ 'x-autoreply': 'yes' }), 'a@x.test', 'x').kind).toBe('auto_reply')
    expect(classifyMail(headers({ 'x-autorespond': '1' }), 'a@x.test', 'x').kind).toBe('auto_reply')
    expect(classifyMail(headers({ precedence: 'bulk' }), 'a@x.test', 'x').kind).toBe('auto_reply')
    expect(classifyMail(headers({}), 'a@x.test', '自动回复：我正在休假').kind).toBe('auto_reply')
    expect(classifyMail(headers({}), 'a@x.test', 'Automatic reply: out of office').kind).toBe('auto_reply')
    expect(classifyMail(headers({ 'x-failed-recipients': 'b@y' }), 'a@x.test', 'x').kind).toBe('bounce')
    expect(classifyMail(headers({}), 'MAILER-DAEMON@mx.test', 'x').kind).toBe('bounce')
    expect(classifyMail(headers({}), 'postmaster@mx.test', 'x').kind).toBe('bounce')
    expect(classifyMail(headers({ 'content-type': 'multipart/report; report-type=delivery-status' }), 'a@x.test', 'x').kind).toBe('bounce')
  })

  it('finds the returned message id and the reason in a delivery report', () => {
    const raw = Buffer.from('Message-ID: <dsn@mx>\r\n\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 User unknown\r\n\r\nMessage-ID: <ours@example.test>\r\n')
    expect(quotedMessageIds(raw, '<dsn@mx>')).toEqual(['<ours@example.test>'])
    expect(bounceReason(raw)).toContain('5.1.1 550 User unknown')
  })
})

describe('email HTML', () => {
  it('keeps formatting and drops everything active', () => {
    const html = sanitizeEmailHtml('<p onclick="x()">好<script>bad()</script></p><a href="javascript:x()">a</a><img src="http://t/p.gif"><img src="cid:logo">')
    expect(html).toBe('<p>好</p><a>a</a><img data-blocked-src="http://t/p.gif" /><img data-cid="logo" />')
    expect(sanitizeEmailHtml('<script>only()</script>')).toBeNull()
    expect(sanitizeEmailHtml(false)).toBeNull()
    expect(textOfSafeHtml('<p>第一段 &amp; 更多</p><div>第二段<br>换行</div>')).toBe('第一段 & 更多\n第二段\n换行')
  })
})

describe('SMTP failures', () => {
  it('retries 4xx replies and broken connections, not 5xx', () => {
    expect(smtpFailure({ responseCode: 451, response: '451 Try later' })).toEqual({ ok: false, error: '451 Try later', retry: true })
    expect(smtpFailure({ responseCode: 550, response: '550 No such user' })).toEqual({ ok: false, error: '550 No such user', retry: false })
    expect(smtpFailure({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' }).retry).toBe(true)
    expect(smtpFailure({ code: 'EAUTH', message: 'Invalid login' }).retry).toBe(false)
  })
})

describe('decoding Chinese mail', () => {
  it('reads Big5 and GB2312 bodies, encoded subjects and file names', async () => {
    const big5 = (t: string) => iconv.encode(t, 'big5').toString('base64')
    const raw = Buffer.from(
      [
        `From: =?Big5?B?${big5('陳大文')}?= <Chan.TaiMan@Example.HK>`,
        `Subject: =?Big5?B?${big5('查詢帳單')}?=`,
        'Message-ID: <big5@example.hk>',
        'In-Reply-To: <ours@example.test>',
        'References: <root@example.hk> <ours@example.test>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain; charset=big5',
        'Content-Transfer-Encoding: base64',
        '',
        big5('請問本月帳單為何增加？'),
        '--b',
        'Content-Type: text/plain; charset=gb2312',
        'Content-Transfer-Encoding: base64',
        `Content-Disposition: attachment; filename="=?gb2312?B?${iconv.encode('说明.txt', 'gb2312').toString('base64')}?="`,
        '',
        iconv.encode('附件内容', 'gb2312').toString('base64'),
        '--b--',
        '',
      ].join('\r\n'),
    )
    const mail = await parseEmail(raw)
    expect(mail.subject).toBe('查詢帳單')
    expect(mail.from).toEqual({ address: 'chan.taiman@example.hk', name: '陳大文' })
    expect(mail.text).toContain('請問本月帳單為何增加？')
    expect(mail.attachments.map((a) => a.name)).toEqual(['说明.txt'])
    expect(mail.inReplyTo).toEqual(['<ours@example.test>'])
    expect(mail.references).toEqual(['<root@example.hk>', '<ours@example.test>'])
  })

  it('gives a mail without Message-ID a stable made-up one', async () => {
    const raw = Buffer.from('From: a@x.test\r\nSubject: hi\r\n\r\nbody\r\n')
    const first = await parseEmail(raw)
    expect(first.hasOwnMessageId).toBe(false)
    expect((await parseEmail(raw)).messageId).toBe(first.messageId)
    expect(first.messageId).toMatch(/^<[0-9a-f]{32}@no-message-id\.invalid>$/)
    expect(isSyntheticMessageId(first.messageId)).toBe(true)
    // A made-up id never goes into References.
    expect(referencesOf([first.messageId, '<a@x>'], '<b@x>')).toEqual(['<a@x>', '<b@x>'])
  })
})
