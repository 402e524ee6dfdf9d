import { createServer, type Server as HttpServer } from 'node:http'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Server } from 'socket.io'
import { startTestDesktop, type TestDesktop } from '../support/desktop'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'

const desktops: TestDesktop[] = []
const centres: DemoCentre[] = []
afterEach(async () => {
  await Promise.all(desktops.splice(0).map((d) => d.dispose()))
  await Promise.all(centres.splice(0).map((c) => c.cleanup()))
})

async function syncedDesktop(centre: DemoCentre, dataDir?: string): Promise<TestDesktop & { dataDir: string }> {
  const desktop = await startTestDesktop(dataDir)
  desktops.push(desktop)
  const done = desktop.next('sync.changed', (s) => s.phase === 'idle' && s.lastSyncedAt !== null, 20_000)
  if (!dataDir) await desktop.api.invoke('session.login', { serverUrl: centre.server.url, username: 'agent01', password: DEMO_PASSWORD })
  await done
  return desktop
}

describe('sync with bad input', () => {
  it('moves a corrupt cache file aside, rebuilds it from the server, and keeps working', async () => {
    const centre = await startDemoCentre({ customers: 20, articles: 20 })
    centres.push(centre)
    const first = await syncedDesktop(centre)
    const expected = (await first.api.invoke('kb.search', { query: '' })).total
    await first.stop()

    // One agent has signed in on this desktop, so there is one cache file.
    const cacheDir = join(first.dataDir, 'cache')
    const [file] = readdirSync(cacheDir).filter((f) => f.endsWith('.sqlite'))
    expect(file).toBeDefined()
    writeFileSync(join(cacheDir, file!), 'this is not a database '.repeat(500))

    const again = await syncedDesktop(centre, first.dataDir)
    expect((await again.api.invoke('kb.search', { query: '' })).total).toBe(expected)
    expect(readdirSync(cacheDir).some((f) => f.includes('.corrupt-'))).toBe(true)
  })

  it('starts over when the server no longer knows the cursor (its database was restored from an older backup)', async () => {
    // A restored backup still has the same token secret and agents; only its change log is shorter.
    const tokenSecret = 'the-same-secret-before-and-after-the-restore'
    const big = await startDemoCentre({ customers: 60, articles: 60 }, { tokenSecret })
    centres.push(big)
    const desktop = await syncedDesktop(big)
    const before = (await desktop.api.invoke('kb.search', { query: '' })).total
    const port = big.server.port
    await big.server.stop()

    const restoredAt = Date.now()
    const small = await startDemoCentre({ customers: 5, articles: 10 }, { port, tokenSecret })
    centres.push(small)
    // The desktop may have reconnected and synced while the restored server was still starting:
    // wait for a sync that finished after the restore, however it was announced.
    await expect
      .poll(async () => {
        const status = await desktop.api.invoke('sync.status')
        return status.phase === 'idle' && (status.lastSyncedAt ?? 0) >= restoredAt
      }, { timeout: 20_000, interval: 100 })
      .toBe(true)
    const after = await desktop.api.invoke('kb.search', { query: '' })
    expect(after.total).toBeLessThan(before)
    const serverArticles = await small.server.db.selectFrom('kb_articles').select('id').execute()
    for (const hit of after.hits) expect(serverArticles.map((a) => a.id)).toContain(hit.id)
  })

  it('refuses a page with a malformed record: nothing stored, the cursor stays, sync reports the error', async () => {
    const fake = await startMisbehavingServer()
    try {
      const desktop = await startTestDesktop()
      desktops.push(desktop)
      const failed = desktop.next('sync.changed', (s) => s.phase === 'error')
      await desktop.api.invoke('session.login', { serverUrl: fake.url, username: 'agent01', password: 'x' })
      expect((await failed).error).toMatch(/not a valid record; nothing was stored/)
      expect((await desktop.api.invoke('kb.search', { query: '' })).total).toBe(0)
      expect(fake.pulls.every((cursor) => cursor === 0)).toBe(true)
      // The desktop is still fully usable.
      expect((await desktop.api.invoke('drafts.set', { key: 'k', text: '草稿' })).text).toBe('草稿')
    } finally {
      await fake.close()
    }
  })
})

/**
 * A server that speaks the protocol but sends a page with one good and one broken KB article:
 * the desktop must not trust what the wire brings.
 */
async function startMisbehavingServer(): Promise<{ url: string; pulls: number[]; close(): Promise<void> }> {
  const pulls: number[] = []
  const now = Date.now()
  const agent = { id: 'a1', username: 'agent01', displayName: '测试', role: 'agent', teamId: null, teamName: null, skillGroups: [], skillGroupIds: [] }
  const http: HttpServer = createServer((req, res) => {
    if (req.url === '/api/auth/login') {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ accessToken: 'x.y.z', accessTokenExpiresAt: now + 3_600_000, refreshToken: 'r'.repeat(20), refreshTokenExpiresAt: now + 3_600_000, agent }))
      return
    }
    res.statusCode = 404
    res.end('{}')
  })
  const io = new Server(http)
  io.of('/agent').on('connection', (socket) => {
    socket.emit('session:welcome', { agent, presence: { agentId: 'a1', state: 'ready', reasonCode: null, since: now, forcedBy: null, online: true }, reasonCodes: [], serverTime: now })
    socket.on('sync:pull', (payload: { cursor: number }, ack: (r: unknown) => void) => {
      pulls.push(payload.cursor)
      const good = { id: 'k1', categoryId: 'c1', title: '好文章', body: '<p>正文</p>', tags: [], mandatory: false, skillGroupId: null, version: 1, updatedAt: now }
      ack({
        ok: true,
        value: {
          changes: [
            { seq: 1, entity: 'kb_article', id: 'k1', deleted: false, data: good },
            { seq: 2, entity: 'kb_article', id: 'k2', deleted: false, data: { ...good, id: 'k2', version: -3, tags: 'not an array' } },
          ],
          cursor: 2,
          latest: 2,
          hasMore: false,
          reset: false,
        },
      })
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const address = http.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}`,
    pulls,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  }
}
