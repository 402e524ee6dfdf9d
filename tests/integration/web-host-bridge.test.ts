import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { BRIDGE_MAX_FRAME_BYTES, BRIDGE_PATH, type HostToPage } from '../../src/shared/ipc/bridge-protocol'
import { startWebHost, type WebHost } from '../../src/main/web-host/web-host'
import { PASSWORD, startTestCentre, type TestCentre } from '../support/mini-centre'

let centre: TestCentre
let host: WebHost
let dir: string

beforeAll(async () => {
  centre = await startTestCentre()
  dir = mkdtempSync(join(tmpdir(), 'omni-host-'))
  mkdirRenderer(dir)
  host = await startWebHost({ rendererDir: join(dir, 'renderer'), dataDir: join(dir, 'data'), defaultServerUrl: centre.server.url })
})
afterAll(async () => {
  await host.stop()
  await centre.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

/** The bridge does not care what the page is; a one-line stand-in keeps this test independent of the build. */
function mkdirRenderer(root: string) {
  mkdirSync(join(root, 'renderer'), { recursive: true })
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html><title>t</title>')
}

interface Page {
  ws: WebSocket
  frames: HostToPage[]
  closed: Promise<{ code: number; reason: string }>
  call(method: string, input?: unknown): Promise<HostToPage>
}

let nextId = 1
function openPage(origin = host.origin): Promise<Page> {
  const ws = new WebSocket(host.origin.replace('http', 'ws') + BRIDGE_PATH, { origin })
  const frames: HostToPage[] = []
  const waiters: Array<(f: HostToPage) => void> = []
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as HostToPage
    frames.push(frame)
    waiters.splice(0).forEach((w) => w(frame))
  })
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  const page: Page = {
    ws,
    frames,
    closed,
    call(method, input) {
      const id = nextId++
      ws.send(JSON.stringify({ t: 'call', id, method, input }))
      return new Promise((resolve) => {
        const check = () => {
          const found = frames.find((f) => f.t === 'result' && f.id === id)
          if (found) resolve(found)
          else waiters.push(check)
        }
        check()
      })
    },
  }
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve(page))
    ws.on('error', reject)
  })
}

async function hello(page: Page, secret = host.secret) {
  page.ws.send(JSON.stringify({ t: 'hello', secret }))
  await new Promise<void>((resolve) => {
    const poll = () => (page.frames.some((f) => f.t === 'ready') ? resolve() : setTimeout(poll, 5))
    poll()
  })
}

describe('web host', () => {
  it('listens on loopback only by default and serves the renderer with a CSP', async () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(host.url).toBe(`${host.origin}/#k=${host.secret}`)
    const res = await fetch(host.origin + '/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(await res.text()).not.toContain(host.secret)
  })

  it('refuses a page from another origin', async () => {
    const page = await openPage('http://evil.example')
    expect((await page.closed).code).toBe(4403)
  })

  it('refuses a page without the launch secret', async () => {
    const page = await openPage()
    page.ws.send(JSON.stringify({ t: 'hello', secret: 'guess' }))
    expect((await page.closed).code).toBe(4401)
  })

  it('refuses calls before the hello', async () => {
    const page = await openPage()
    page.ws.send(JSON.stringify({ t: 'call', id: 1, method: 'session.get' }))
    expect((await page.closed).code).toBe(4401)
  })

  it('closes on malformed frames', async () => {
    for (const bad of ['not json', '{"t":"nope"}', '[]', '{"t":"call","id":-1,"method":"x"}']) {
      const page = await openPage()
      await hello(page)
      page.ws.send(bad)
      expect((await page.closed).code).toBe(4400)
    }
  })

  it('closes on an oversized frame and keeps serving others', async () => {
    const page = await openPage()
    await hello(page)
    page.ws.send(JSON.stringify({ t: 'call', id: 1, method: 'session.get', input: 'x'.repeat(BRIDGE_MAX_FRAME_BYTES + 1) }))
    expect((await page.closed).code).toBe(1009)
    const other = await openPage()
    await hello(other)
    expect(await other.call('app.info')).toMatchObject({ result: { ok: true, value: { host: 'web' } } })
  })

  it('carries AgentApi calls, errors and events for an authorised page', async () => {
    const page = await openPage()
    await hello(page)
    expect(await page.call('no.such.method')).toMatchObject({ result: { ok: false, error: { code: 'unknown_method' } } })
    expect(await page.call('agentState.set', { state: 42 })).toMatchObject({ result: { ok: false, error: { code: 'invalid_argument' } } })
    const login = await page.call('session.login', { serverUrl: centre.server.url, username: 'agent1', password: PASSWORD })
    expect(login).toMatchObject({ result: { ok: true, value: { agent: { username: 'agent1' } } } })
    expect(page.frames.some((f) => f.t === 'event' && f.event === 'connection.changed')).toBe(true)
    const set = await page.call('agentState.set', { state: 'ready' })
    expect(set).toMatchObject({ result: { ok: true, value: { state: 'ready' } } })
    await page.call('session.logout')
  })

  it('tells the phone when the page that carried its audio goes, and only that page', async () => {
    const engine = await openPage()
    await hello(engine)
    const other = await openPage()
    await hello(other)
    expect(await engine.call('phone.attachMedia', { mediaId: 'engine-page' })).toMatchObject({ result: { ok: true, value: { mediaReady: true } } })
    // A page that only failed to attach is not the engine.
    expect(await other.call('phone.attachMedia', { mediaId: '' })).toMatchObject({ result: { ok: false, error: { code: 'invalid_argument' } } })
    other.ws.close()
    await other.closed
    expect(await engine.call('phone.get')).toMatchObject({ result: { ok: true, value: { mediaReady: true } } })

    engine.ws.close()
    await engine.closed
    const watcher = await openPage()
    await hello(watcher)
    await expect.poll(async () => ((await watcher.call('phone.get')) as { result: { value: { mediaReady: boolean } } }).result.value.mediaReady).toBe(false)
    watcher.ws.close()
  })
})
