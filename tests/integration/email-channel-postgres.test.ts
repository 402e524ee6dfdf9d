import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmailCentre, SUPPORT, utf8Mail, type EmailCentre } from '../support/email-centre'
import { eventually } from '../support/inbox-centre'
import { startPostgres, type PostgresServer } from '../support/postgres'

describe('email channel with the central server on PostgreSQL', () => {
  let postgres: PostgresServer
  let mail: EmailCentre

  beforeAll(async () => {
    postgres = await startPostgres()
    mail = await startEmailCentre({ server: { databaseUrl: postgres.url } })
  })

  afterAll(async () => {
    await mail?.cleanup()
    await postgres?.stop()
  })

  it('files mail and keeps its place across a restart', async () => {
    const count = async (id: string) => (await mail.centre.server.db.selectFrom('messages').select('id').where('external_id', '=', id).execute()).length
    await mail.dovecot.append(SUPPORT, utf8Mail({ from: 'sun.li@customer.test', fromName: '孙丽', subject: '流量包咨询', messageId: '<pg-1@customer.test>', text: '请问 10 元流量包怎么订？' }))
    await eventually(async () => (await count('<pg-1@customer.test>')) === 1, 'the first mail')
    await mail.centre.server.stop()
    await mail.dovecot.append(SUPPORT, utf8Mail({ from: 'sun.li@customer.test', subject: '回复: 流量包咨询', messageId: '<pg-2@customer.test>', inReplyTo: '<pg-1@customer.test>', references: ['<pg-1@customer.test>'], text: '补充：是本月生效吗？' }))
    await mail.centre.restart()
    await eventually(async () => (await count('<pg-2@customer.test>')) === 1, 'the mail sent while the server was down', 30_000)
    expect(await count('<pg-1@customer.test>')).toBe(1)
    const conversations = await mail.centre.server.db.selectFrom('conversations').select(['id', 'subject']).where('channel', '=', 'email').execute()
    expect(conversations).toEqual([expect.objectContaining({ subject: '流量包咨询' })])
    const state = await mail.centre.server.db.selectFrom('email_sync_state').selectAll().executeTakeFirstOrThrow()
    expect(Number(state.last_uid)).toBe(2)
  })
})
