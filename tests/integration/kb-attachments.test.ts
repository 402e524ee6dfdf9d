import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AttachmentRef } from '../../src/shared/domain/conversations'
import { AppError } from '../../src/shared/errors'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { accessToken } from '../support/sync-centre'

let centre: DemoCentre
let agentToken: string
const desktops: TestDesktop[] = []

beforeAll(async () => {
  centre = await startDemoCentre({ customers: 10, articles: 30 })
  agentToken = await accessToken(centre.server.url, 'agent01', DEMO_PASSWORD)
})
afterAll(() => centre.cleanup())
afterEach(async () => {
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
  if (!(await fetch(`${centre.server.url}/api/health`).then(() => true, () => false))) await centre.restart()
})

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex')

function upload(body: Uint8Array | string, type: string | null, name = '测试 文件(1).png', token = agentToken): Promise<Response> {
  return fetch(`${centre.server.url}/api/attachments?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, ...(type ? { 'content-type': type } : {}) },
    body,
  })
}

async function code(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code
}

describe('attachments over HTTP', () => {
  it('uploads raw bytes and serves them back as a download with safe headers', async () => {
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5])
    const res = await upload(data, 'image/png; charset=binary')
    expect(res.status).toBe(200)
    const ref = (await res.json()) as AttachmentRef
    expect(ref).toMatchObject({ name: '测试 文件(1).png', mime: 'image/png', size: data.byteLength })

    const got = await fetch(`${centre.server.url}/api/attachments/${ref.id}`, { headers: { authorization: `Bearer ${agentToken}` } })
    expect(got.status).toBe(200)
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(data)
    expect(got.headers.get('content-type')).toBe('image/png')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toContain("default-src 'none'")
    const disposition = got.headers.get('content-disposition')!
    expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/)
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe('测试 文件(1).png')
  })

  it('refuses what it must, and stores nothing then', async () => {
    const before = await centre.server.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect((await upload('<script>alert(1)</script>', 'text/html', 'x.html')).status).toBe(400)
    expect((await upload('MZ...', 'application/x-msdownload', 'x.exe')).status).toBe(400)
    expect((await upload(new Uint8Array([1, 2]), null)).status).toBe(400)
    expect((await upload(new Uint8Array(0), 'image/png')).status).toBe(400)
    const tooBig = await upload(new Uint8Array(centre.server.attachments.maxBytes + 1), 'image/png')
    expect(tooBig.status).toBe(413)
    expect(await code(tooBig)).toBe('payload_too_large')
    expect((await upload('abc', 'text/plain', 'a.txt', 'not-a-token')).status).toBe(401)
    expect((await fetch(`${centre.server.url}/api/attachments?name=a.txt`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'abc' })).status).toBe(401)
    expect((await fetch(`${centre.server.url}/api/attachments`, { method: 'POST', headers: { authorization: `Bearer ${agentToken}`, 'content-type': 'text/plain' }, body: 'abc' })).status).toBe(400)
    const after = await centre.server.db.selectFrom('attachments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))

    const missing = await fetch(`${centre.server.url}/api/attachments/no-such-file`, { headers: { authorization: `Bearer ${agentToken}` } })
    expect(missing.status).toBe(404)
    // Fastify refuses a path parameter over 100 characters before the route runs.
    expect((await fetch(`${centre.server.url}/api/attachments/${'x'.repeat(200)}`, { headers: { authorization: `Bearer ${agentToken}` } })).status).toBe(414)
    expect((await fetch(`${centre.server.url}/api/attachments/no-such-file`)).status).toBe(401)
  })
})

// Sign-in, a full sync and a server stop per test: generous on a loaded two-core machine.
describe('KB attachments on the desktop', { timeout: 90_000 }, () => {
  async function signedIn(username: string): Promise<{ desktop: TestDesktop; filesStored: Promise<unknown> }> {
    const desktop = await startTestDesktop()
    desktops.push(desktop)
    const synced = desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, 20_000)
    const filesStored = desktop.next('data.changed', (e) => e.entities.includes('kb_attachment'), 20_000)
    await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username, password: DEMO_PASSWORD })
    await synced
    return { desktop, filesStored }
  }

  it('keeps the seeded KB files, which open offline with the same bytes', async () => {
    const seeded = await centre.server.db
      .selectFrom('kb_article_attachments')
      .innerJoin('attachments', 'attachments.id', 'kb_article_attachments.attachment_id')
      .select(['kb_article_attachments.article_id', 'attachments.id', 'attachments.name', 'attachments.mime', 'attachments.data'])
      .execute()
    expect(new Set(seeded.map((s) => s.mime))).toEqual(new Set(['application/pdf', 'image/png', 'text/csv']))

    const { desktop, filesStored } = await signedIn('agent01')
    const article = await desktop.api.invoke('kb.get', { id: seeded[0]!.article_id })
    expect(article?.attachments.map((a) => a.id)).toContain(seeded[0]!.id)
    await filesStored

    await centre.server.stop()
    await desktop.next('connection.changed', (s) => s.status !== 'online')
    for (const file of seeded) {
      const got = await desktop.api.invoke('attachments.get', { id: file.id })
      expect(got).toMatchObject({ id: file.id, name: file.name, mime: file.mime })
      expect(sha(new Uint8Array(Buffer.from(got.dataBase64, 'base64')))).toBe(sha(new Uint8Array(file.data)))
    }
    // Real files: the PNG and PDF signatures, the CSV's BOM.
    const png = seeded.find((s) => s.mime === 'image/png')!
    expect(Buffer.from(png.data).subarray(1, 4).toString('latin1')).toBe('PNG')
    const pdf = seeded.find((s) => s.mime === 'application/pdf')!
    expect(Buffer.from(pdf.data).subarray(0, 5).toString('latin1')).toBe('%PDF-')
  })

  it('uploads from the desktop online only; a file never fetched is a clear offline error', async () => {
    const { desktop } = await signedIn('agent02')
    const dataBase64 = Buffer.from('套餐,月费\n畅享58,58\n').toString('base64')
    const ref = await desktop.api.invoke('attachments.upload', { name: '表.csv', mime: 'text/csv', dataBase64 })
    expect(ref).toMatchObject({ name: '表.csv', mime: 'text/csv' })
    await expect(desktop.api.invoke('attachments.upload', { name: 'x.html', mime: 'text/html', dataBase64 })).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(desktop.api.invoke('attachments.upload', { name: 'x.csv', mime: 'text/csv', dataBase64: '***' })).rejects.toMatchObject({ code: 'invalid_argument' })
    await expect(desktop.api.invoke('attachments.get', { id: 'no-such-file' })).rejects.toMatchObject({ code: 'not_found' })
    const other = (await (await upload(new Uint8Array([1, 2, 3]), 'image/png', 'other.png')).json()) as AttachmentRef

    await centre.server.stop()
    await desktop.next('connection.changed', (s) => s.status !== 'online')
    // Its own upload was kept; another agent's file was never fetched here.
    expect((await desktop.api.invoke('attachments.get', { id: ref.id })).dataBase64).toBe(dataBase64)
    const offline = await desktop.api.invoke('attachments.get', { id: other.id }).catch((err: unknown) => err)
    expect(offline).toBeInstanceOf(AppError)
    expect(offline).toMatchObject({ code: 'offline' })
    await expect(desktop.api.invoke('attachments.upload', { name: 'y.csv', mime: 'text/csv', dataBase64 })).rejects.toMatchObject({ code: 'offline' })
  })
})
