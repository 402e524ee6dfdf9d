import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import playwrightConfig from '../../playwright.config'
import { ServerHttpClient } from '../../src/main/services/connection/server-http'
import { startWebHost, type WebHost } from '../../src/main/web-host/web-host'
import { recordChanges } from '../../src/server/sync/change-log'
import type { PhoneSnapshot } from '../../src/shared/domain/phone'
import type { MediaRequestEnvelope } from '../../src/shared/ipc/phone-media'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { startKamailio, type Kamailio } from '../support/kamailio'
import { PASSWORD, seedMiniCentre } from '../support/mini-centre'
import { connectVisitor } from '../support/webchat-visitor'
import { RENDERER_DIR } from './support/harness'

/**
 * The softphone end to end with real audio: three agents, each a Chromium page on a web host of
 * its own (its own main-process services and JsSIP user agent), a real Kamailio and a real
 * central server. The page is the media engine: real RTCPeerConnections with Chromium's fake
 * microphone, RTP counted with getStats (window.__omniMedia). A (agent1) plays the customer
 * calling from her mobile; B (agent2) takes the call and transfers it to C (agent3), blind, then
 * attended, then joins all three in a conference.
 *
 * Every packet must stay on loopback, so this runs inside a network namespace that has only `lo`
 * (scripts/test.sh starts Playwright that way; see the error below to run this file alone).
 */
const SIP = {
  a: { username: '13800138000', password: 'sip-pass-a' },
  b: { username: '8002', password: 'sip-pass-b' },
  c: { username: '8003', password: 'sip-pass-c' },
}

test.use({
  launchOptions: {
    ...playwrightConfig.use?.launchOptions,
    args: [
      ...(playwrightConfig.use?.launchOptions?.args ?? []),
      // A fake microphone (a beeping tone) granted without asking; ICE on loopback; audio without a click.
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--autoplay-policy=no-user-gesture-required',
    ],
  },
})

function onLoopbackOnly(): boolean {
  return Object.values(networkInterfaces()).every((addresses) => (addresses ?? []).every((a) => a.internal))
}

let kamailio: Kamailio
let centre: RunningCentre
const hosts: { host: WebHost; dataDir: string }[] = []
/** What each desktop's phone reported, in order: attached when the test fails, to see why. */
const timeline: string[] = []
const started = Date.now()

test.beforeAll(async () => {
  if (!onLoopbackOnly()) {
    throw new Error(
      'phone.spec.ts must run in a network namespace with only loopback, or Chromium offers the machine\'s own address for ICE: ' +
        "unshare -n -- bash -c 'ip link set lo up && exec npx playwright test tests/e2e/phone.spec.ts' (as root; unshare -rn otherwise)",
    )
  }
  kamailio = await startKamailio({ users: Object.values(SIP) })
  centre = await startSeededCentre(async (db) => {
    await seedMiniCentre(db)
    const now = Date.now()
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('customers').values({ id: 'c-caller', name: '赵敏', tier: '金', kind: 'person', company: null, city: '杭州', notes: '', tags: '', created_at: now, updated_at: now }).execute()
      // Written as customers give it; the caller presents 13800138000.
      await trx.insertInto('customer_contacts').values({ id: 'cc-caller', customer_id: 'c-caller', kind: 'phone', value: '+86 138-0013-8000', normalized: '13800138000' }).execute()
      await trx.insertInto('interactions').values({ id: 'i-caller-1', customer_id: 'c-caller', channel: 'email', direction: 'in', summary: '上月账单多扣二十元', agent_id: null, at: now - 86_400_000 }).execute()
      await recordChanges(trx, 'customer', ['c-caller'])
      await recordChanges(trx, 'interaction', ['i-caller-1'])
      // B's web chat: the customer writes her number there and asks to be called back.
      await trx.insertInto('skill_groups').values({ id: 's-phone', name: '回访', description: '' }).execute()
      await trx.insertInto('agent_skills').values({ agent_id: 'a2', skill_group_id: 's-phone', level: 2 }).execute()
      await trx
        .insertInto('webchat_sites')
        .values({ site_key: 'callback', name: '回访在线客服', allowed_origin: 'https://shop.example.com', skill_group_id: 's-phone', welcome_text: '您好', enabled: 1, created_at: now, updated_at: now })
        .execute()
    })
  })
})

test.afterAll(async () => {
  for (const { host, dataDir } of hosts) {
    await host.stop().catch(() => undefined)
    rmSync(dataDir, { recursive: true, force: true })
  }
  await centre?.cleanup()
  await kamailio?.stop()
})

test.afterEach(async ({ browserName: _browserName }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus) return
  // Kept as files in the test's output folder (readable without opening the trace).
  const files = { 'phone-timeline.txt': timeline.join('\n'), 'kamailio.log': kamailio?.logs() ?? '' }
  for (const [name, body] of Object.entries(files)) {
    writeFileSync(testInfo.outputPath(name), body)
    await testInfo.attach(name, { path: testInfo.outputPath(name), contentType: 'text/plain' })
  }
})

/** One agent's workstation: a web host of its own and a browser context, signed in and synced. */
async function signIn(browser: Browser, username: string): Promise<Page> {
  const dataDir = mkdtempSync(join(tmpdir(), 'omni-phone-e2e-'))
  const host = await startWebHost({ rendererDir: RENDERER_DIR, dataDir, defaultServerUrl: centre.server.url, services: { connection: { backoff: { initialMs: 100, maxMs: 1_000 } } } })
  hosts.push({ host, dataDir })
  host.services.onEvent((event, payload) => {
    const at = ((Date.now() - started) / 1000).toFixed(2)
    if (event === 'phone.media') {
      const { callId, reqId, request } = payload as MediaRequestEnvelope
      return void timeline.push(`${at} ${username} media #${reqId} ${callId.slice(0, 8)} ${request.op}`)
    }
    if (event !== 'phone.changed' && event !== 'agentState.changed') return
    if (event === 'agentState.changed') return void timeline.push(`${at} ${username} state ${(payload as { state: string }).state}`)
    const snapshot = payload as PhoneSnapshot
    const calls = snapshot.calls.map((c) => `${c.id.slice(0, 8)}:${c.direction}:${c.state}${c.held ? ':held' : ''}${c.remoteHeld ? ':remoteHeld' : ''}${c.endCause ? `:${c.endCause}` : ''}`)
    timeline.push(`${at} ${username} ${snapshot.registration.state} media=${snapshot.mediaReady} wrapUp=${snapshot.wrapUp?.callId.slice(0, 8) ?? '-'} [${calls.join(' ')}]`)
  })
  const context = await browser.newContext()
  const page = await context.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') console.log(`[${username}] ${message.type()}: ${message.text()}`)
  })
  await page.goto(host.url)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('shell')).toBeVisible()
  // The customer must be in the cache for the screen pop.
  await expect(page.getByTestId('synced-at')).toBeAttached({ timeout: 20_000 })
  return page
}

/** 设置 → 话机设置: the SIP account, saved and registered. */
async function configurePhone(page: Page, sip: { username: string; password: string }): Promise<void> {
  await page.getByTestId('nav-settings').click()
  const form = page.getByRole('form', { name: '话机设置' })
  await form.getByLabel('WebSocket 地址').fill(kamailio.wsUrl)
  await form.getByLabel('SIP 地址').fill(kamailio.uri(sip.username))
  await form.getByLabel('密码').fill(sip.password)
  await form.getByRole('button', { name: '保存并注册' }).click()
  await expect(page.getByTestId('phone-registration')).toHaveAttribute('data-state', 'registered', { timeout: 10_000 })
  await expect(page.getByTestId('phone-registration')).toHaveText('已注册')
}

async function setReady(page: Page): Promise<void> {
  await page.getByTestId('state-select').selectOption('ready')
  await expect(page.getByTestId('current-state')).toHaveAttribute('data-state', 'ready')
}

interface Stats {
  inbound: { packets: number; audioLevel: number }
  outbound: { packets: number }
  direction: string | null
  mixedWith: string[]
}

async function stats(page: Page, callId: string): Promise<Stats | null> {
  return page.evaluate((id) => (globalThis as unknown as { __omniMedia?: { stats(id: string): Promise<Stats | null> } }).__omniMedia?.stats(id) ?? null, callId)
}

/** Audio flows on this call: RTP arrives and leaves, and more keeps arriving. */
async function expectAudio(page: Page, callId: string): Promise<void> {
  await expect.poll(async () => (await stats(page, callId))?.inbound.packets ?? 0, { timeout: 10_000 }).toBeGreaterThan(25)
  const before = (await stats(page, callId))!
  expect(before.outbound.packets).toBeGreaterThan(25)
  await expect.poll(async () => (await stats(page, callId))?.inbound.packets ?? 0, { timeout: 10_000 }).toBeGreaterThan(before.inbound.packets + 25)
}

function activeCall(page: Page, filter: { state?: string; consult?: boolean } = {}): Locator {
  let calls = page.getByTestId('active-call')
  if (filter.state) calls = calls.and(page.locator(`[data-state="${filter.state}"]`))
  if (filter.consult === true) calls = calls.and(page.locator('[data-consult-for]:not([data-consult-for=""])'))
  if (filter.consult === false) calls = calls.and(page.locator('[data-consult-for=""]'))
  return calls
}

async function callIdOf(card: Locator): Promise<string> {
  const id = await card.getAttribute('data-call-id')
  if (!id) throw new Error('A call card without its call id')
  return id
}

/**
 * 话后处理 after the agent's last answered call ended: a disposition and 完成并示闲 (back to
 * ready), or just 完成 (A, who plays the customer, stays not ready).
 */
async function finishWrapUp(page: Page, { ready }: { ready: boolean }): Promise<void> {
  const panel = page.getByTestId('wrap-up')
  await expect(panel).toBeVisible({ timeout: 10_000 })
  await expect(page.getByTestId('current-state')).toHaveAttribute('data-state', 'after_call_work')
  await expect(panel.getByTestId('wrap-up-countdown')).toHaveText(/^\d\d:\d\d$/)
  if (ready) {
    await panel.getByTestId('wrap-up-code').first().check()
    await panel.getByRole('button', { name: '完成并示闲' }).click()
  } else {
    await panel.getByRole('button', { name: '完成', exact: true }).click()
  }
  await expect(panel).toHaveCount(0)
  await expect(page.getByTestId('current-state')).toHaveAttribute('data-state', ready ? 'ready' : 'not_ready', { timeout: 10_000 })
}

async function dial(page: Page, number: string): Promise<Locator> {
  await page.getByTestId('nav-phone').click()
  await page.getByRole('textbox', { name: '电话号码' }).fill(number)
  await page.getByRole('button', { name: '呼叫', exact: true }).click()
  const call = activeCall(page)
  await expect(call).toHaveCount(1)
  return call
}

/**
 * The ringing call on this page: its screen pop shows the caller as the customer 赵敏 (金) with
 * her latest contacts (`lastContact` the newest of them, if given).
 */
async function answerCustomer(page: Page, lastContact?: string): Promise<Locator> {
  const incoming = page.getByRole('alertdialog', { name: '来电' })
  await expect(incoming).toBeVisible({ timeout: 10_000 })
  await expect(incoming.getByTestId('incoming-number')).toHaveText(SIP.a.username)
  await expect(incoming.getByTestId('screen-pop-name')).toHaveText('赵敏')
  await expect(incoming.getByTestId('screen-pop-tier')).toHaveAttribute('data-tier', '金')
  await expect(incoming.getByTestId('screen-pop-history')).toBeVisible()
  if (lastContact) await expect(incoming.getByTestId('screen-pop-history').getByRole('listitem').first()).toContainText(lastContact)
  const callId = await callIdOf(incoming)
  await incoming.getByRole('button', { name: '接听' }).click()
  const call = page.locator(`[data-testid="active-call"][data-call-id="${callId}"]`)
  await expect(call).toHaveAttribute('data-state', 'active')
  return call
}

test('A calls B through Kamailio: screen pop, two-way audio, hold, DTMF; B transfers to C blind, attended, and in a conference; the log and the customer history show the calls; a number in a chat calls the customer', async ({ browser }) => {
  test.setTimeout(240_000)
  const a = await signIn(browser, 'agent1')
  const b = await signIn(browser, 'agent2')
  const c = await signIn(browser, 'agent3')

  await test.step('each agent sets up their SIP account; a wrong password is named as such', async () => {
    await c.getByTestId('nav-settings').click()
    const form = c.getByRole('form', { name: '话机设置' })
    await form.getByLabel('WebSocket 地址').fill(kamailio.wsUrl)
    await form.getByLabel('SIP 地址').fill(kamailio.uri(SIP.c.username))
    await form.getByLabel('密码').fill('not-the-password')
    await form.getByRole('button', { name: '保存并注册' }).click()
    await expect(c.getByTestId('phone-registration')).toHaveAttribute('data-state', 'failed', { timeout: 10_000 })
    await expect(c.getByTestId('phone-registration')).toHaveText('注册失败:SIP 账号或密码错误')
    await configurePhone(a, SIP.a)
    await configurePhone(b, SIP.b)
    await configurePhone(c, SIP.c)
    for (const page of [a, b, c]) await expect(page.getByTestId('phone-registration')).toHaveAttribute('data-media-ready', 'true')
    await setReady(b)
    await setReady(c)
  })

  let aCall: Locator
  let bCall: Locator
  let firstCallAtB = ''
  await test.step('A dials (letters are refused), B sees the customer before answering and answers', async () => {
    await a.getByTestId('nav-phone').click()
    await a.getByRole('textbox', { name: '电话号码' }).fill('800-CALL')
    await a.getByRole('button', { name: '呼叫', exact: true }).click()
    await expect(a.getByTestId('dial-error')).toContainText('不能包含字母')
    await expect(a.getByTestId('active-call')).toHaveCount(0)

    aCall = await dial(a, SIP.b.username)
    bCall = await answerCustomer(b, '上月账单多扣二十元')
    firstCallAtB = await callIdOf(bCall)
    await expect(aCall).toHaveAttribute('data-state', 'active')
    await expect(bCall.getByTestId('call-party')).toHaveText('赵敏')
    await expect(b.getByTestId('current-state')).toHaveAttribute('data-state', 'on_call')
  })

  await test.step('audio flows both ways', async () => {
    await expectAudio(a, await callIdOf(aCall))
    await expectAudio(b, await callIdOf(bCall))
    expect((await stats(a, await callIdOf(aCall)))?.direction).toBe('sendrecv')
  })

  await test.step('B holds and resumes', async () => {
    const aId = await callIdOf(aCall)
    const bId = await callIdOf(bCall)
    await bCall.getByRole('button', { name: '保持', exact: true }).click()
    await expect(bCall).toHaveAttribute('data-held', 'true')
    await expect(bCall.getByTestId('call-state')).toHaveText('保持中')
    await expect(aCall).toHaveAttribute('data-remote-held', 'true')
    await expect(aCall.getByTestId('call-state')).toHaveText('对方已保持')
    // B only sends (silence); A only receives.
    await expect.poll(async () => (await stats(b, bId))?.direction).toBe('sendonly')
    await expect.poll(async () => (await stats(a, aId))?.direction).toBe('recvonly')

    await bCall.getByRole('button', { name: '恢复', exact: true }).click()
    await expect(bCall).toHaveAttribute('data-held', 'false')
    await expect(aCall).toHaveAttribute('data-remote-held', 'false')
    await expect.poll(async () => (await stats(a, aId))?.direction).toBe('sendrecv')
    await expectAudio(a, aId)
    await expectAudio(b, bId)
  })

  await test.step('A keys 1 2 # by SIP INFO; B sees the digits', async () => {
    await aCall.getByRole('button', { name: '拨号键盘' }).click()
    await aCall.getByTestId('dtmf-via').selectOption('info')
    for (const key of ['1', '2', '#']) await aCall.getByRole('button', { name: `按键 ${key}` }).click()
    await expect(aCall.getByTestId('dtmf-sent')).toHaveText('12#')
    await expect(bCall.getByTestId('dtmf-received')).toHaveText('12#', { timeout: 10_000 })
  })

  await test.step('B mutes and unmutes with the keyboard', async () => {
    await b.keyboard.press('Control+Shift+M')
    await expect(bCall).toHaveAttribute('data-muted', 'true')
    await expect(bCall.getByRole('button', { name: '取消静音' })).toHaveAttribute('aria-pressed', 'true')
    await b.keyboard.press('Control+Shift+M')
    await expect(bCall).toHaveAttribute('data-muted', 'false')
  })

  await test.step('B transfers blind to C: C talks to the customer, B is free after wrap-up', async () => {
    await bCall.getByRole('button', { name: '转接', exact: true }).click()
    await bCall.getByRole('textbox', { name: '转接号码' }).fill(SIP.c.username)
    await bCall.getByRole('button', { name: '直接转接' }).click()
    const cCall = await answerCustomer(c)
    await expect(bCall).toHaveCount(0, { timeout: 10_000 })
    await finishWrapUp(b, { ready: true })
    const aNow = activeCall(a, { state: 'active' })
    await expect(aNow).toHaveCount(1, { timeout: 10_000 })
    await expect(aNow.getByTestId('call-party')).toHaveText(SIP.c.username)
    await expectAudio(c, await callIdOf(cCall))
    await expectAudio(a, await callIdOf(aNow))

    await cCall.getByRole('button', { name: '挂断' }).click()
    await expect(a.getByTestId('active-call')).toHaveCount(0, { timeout: 10_000 })
    await finishWrapUp(c, { ready: true })
    await finishWrapUp(a, { ready: true })
  })

  await test.step('attended: B consults C with A on hold, then hands A over to C', async () => {
    aCall = await dial(a, SIP.b.username)
    bCall = await answerCustomer(b)
    await bCall.getByRole('button', { name: '转接', exact: true }).click()
    await bCall.getByRole('textbox', { name: '转接号码' }).fill(SIP.c.username)
    await bCall.getByRole('button', { name: '咨询后转接' }).click()
    await expect(aCall).toHaveAttribute('data-remote-held', 'true', { timeout: 10_000 })

    const incoming = c.getByRole('alertdialog', { name: '来电' })
    await expect(incoming).toBeVisible({ timeout: 10_000 })
    await expect(incoming.getByTestId('incoming-number')).toHaveText(SIP.b.username)
    await incoming.getByRole('button', { name: '接听' }).click()
    const consult = activeCall(b, { consult: true })
    await expect(consult).toHaveAttribute('data-state', 'active')
    await expectAudio(b, await callIdOf(consult))

    await consult.getByTestId('consult-complete').click()
    await expect(b.getByTestId('active-call')).toHaveCount(0, { timeout: 10_000 })
    const cCall = activeCall(c, { state: 'active' })
    await expect(cCall).toHaveCount(1)
    await expect(cCall).toContainText(SIP.a.username, { timeout: 10_000 })
    const aNow = activeCall(a, { state: 'active' })
    await expect(aNow).toHaveCount(1)
    await expect(aNow.getByTestId('call-party')).toHaveText(SIP.c.username)
    await expectAudio(c, await callIdOf(cCall))
    await expectAudio(a, await callIdOf(aNow))

    await aNow.getByRole('button', { name: '挂断' }).click()
    await expect(c.getByTestId('active-call')).toHaveCount(0, { timeout: 10_000 })
    for (const page of [b, c]) await finishWrapUp(page, { ready: true })
    await finishWrapUp(a, { ready: true })
  })

  await test.step('conference: B consults C, then joins all three', async () => {
    aCall = await dial(a, SIP.b.username)
    bCall = await answerCustomer(b)
    await bCall.getByRole('button', { name: '转接', exact: true }).click()
    await bCall.getByRole('textbox', { name: '转接号码' }).fill(SIP.c.username)
    await bCall.getByRole('button', { name: '咨询后转接' }).click()
    const incoming = c.getByRole('alertdialog', { name: '来电' })
    await expect(incoming).toBeVisible({ timeout: 10_000 })
    await incoming.getByRole('button', { name: '接听' }).click()
    const consult = activeCall(b, { consult: true })
    await expect(consult).toHaveAttribute('data-state', 'active')

    await consult.getByRole('button', { name: '会议', exact: true }).click()
    await expect(b.locator('[data-testid="active-call"][data-conferenced="true"]')).toHaveCount(2, { timeout: 10_000 })
    await expect(aCall).toHaveAttribute('data-remote-held', 'false', { timeout: 10_000 })
    const bIds = await Promise.all((await b.getByTestId('active-call').all()).map(callIdOf))
    // Each leg sends B's microphone mixed with the other leg's voice.
    for (const id of bIds) await expect.poll(async () => (await stats(b, id))?.mixedWith).toEqual(bIds.filter((other) => other !== id))
    for (const id of bIds) await expectAudio(b, id)
    await expectAudio(a, await callIdOf(aCall))
    await expectAudio(c, await callIdOf(activeCall(c)))

    for (const left of [1, 0]) {
      await b.getByTestId('active-call').first().getByRole('button', { name: '挂断' }).click()
      await expect(b.getByTestId('active-call')).toHaveCount(left, { timeout: 10_000 })
    }
    await expect(a.getByTestId('active-call')).toHaveCount(0, { timeout: 10_000 })
    await expect(c.getByTestId('active-call')).toHaveCount(0, { timeout: 10_000 })
    await finishWrapUp(b, { ready: true })
    await finishWrapUp(c, { ready: true })
    await finishWrapUp(a, { ready: true })
  })

  await test.step('the call log and the customer history show the calls', async () => {
    await b.getByTestId('nav-phone').click()
    const rows = b.getByTestId('call-log-row').and(b.locator('[data-customer-id="c-caller"][data-direction="inbound"]'))
    await expect(rows).toHaveCount(3, { timeout: 10_000 })
    await expect(rows.first()).toContainText('赵敏')
    await expect(rows.first()).toContainText(SIP.a.username)
    await expect(a.getByTestId('call-log-row').and(a.locator(`[data-direction="outbound"][data-number="${SIP.b.username}"]`))).toHaveCount(3)

    // Synced through the server into the customer's history.
    await b.getByTestId('nav-customers').click()
    await b.getByTestId('customer-search').fill('赵敏')
    await b.getByTestId('customer-result').first().click()
    const history = b.getByTestId('customer-card').locator('[data-testid="interaction"][data-channel="phone"]')
    await expect(history).not.toHaveCount(0, { timeout: 20_000 })
    await expect.poll(() => history.count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3)

    // The centre records every call: B's page recorded both directions while the call lasted,
    // streamed it to B's desktop, and the desktop uploaded it (a WebM file, listenable by B's lead).
    const { accessToken } = await new ServerHttpClient(centre.server.url).login('lead1', PASSWORD)
    // Every body read to its end: an unread download keeps its connection busy.
    const listen = async () => {
      const response = await fetch(`${centre.server.url}/api/recordings/${firstCallAtB}`, { headers: { authorization: `Bearer ${accessToken}` } })
      return { status: response.status, type: response.headers.get('content-type'), segments: response.headers.get('x-recording-segments'), body: Buffer.from(await response.arrayBuffer()) }
    }
    await expect.poll(async () => (await listen()).status, { timeout: 20_000 }).toBe(200)
    const recording = await listen()
    expect(recording.type).toBe('audio/webm')
    expect(recording.segments).toBe('1')
    const audio = recording.body
    expect(audio.subarray(0, 4).toString('hex')).toBe('1a45dfa3')
    // Several seconds of opus: well over what a header alone would be.
    expect(audio.length).toBeGreaterThan(10_000)

    // Redial from the log rings B's customer again (A calls B back from A's log).
    await a.getByTestId('nav-phone').click()
    await a.getByTestId('call-log-row').first().getByRole('button', { name: `回拨 ${SIP.b.username}` }).click()
    const incoming = b.getByRole('alertdialog', { name: '来电' })
    await expect(incoming).toBeVisible({ timeout: 10_000 })
    await incoming.getByRole('button', { name: '拒接' }).click()
    await expect(a.getByTestId('active-call')).toHaveCount(0, { timeout: 10_000 })
    // Declined is missed: in B's log (and B's inbox as a callback item).
    await b.getByTestId('nav-phone').click()
    await expect(b.getByTestId('call-log-row').and(b.locator('[data-missed="true"]'))).toHaveCount(1, { timeout: 10_000 })
  })

  await test.step('a number the customer writes in a chat calls her with one click', async () => {
    const visitor = await connectVisitor(centre.server.url, { site: 'callback', page: 'https://shop.example.com/help' })
    try {
      const sent = await visitor.request('message:send', { clientId: 'callback-1', text: '麻烦回个电话，我的手机 138-0013-8000，订单 20241123001' })
      expect(sent.ok).toBe(true)
      await b.getByTestId('nav-inbox').click()
      const row = b.getByTestId('conversation-row').and(b.locator('[data-channel="chat"]'))
      await expect(row).toHaveAttribute('data-status', 'offered', { timeout: 15_000 })
      await row.getByTestId('row-accept').click()
      await row.click()
      // The number is callable, the order number is not.
      const number = b.getByTestId('conversation-pane').getByTestId('text-phone-number')
      await expect(number).toHaveCount(1, { timeout: 10_000 })
      await expect(number).toHaveText('138-0013-8000')
      await expect(number).toHaveAttribute('data-number', SIP.a.username)
      await number.click()
      const ringing = a.getByRole('alertdialog', { name: '来电' })
      await expect(ringing).toBeVisible({ timeout: 10_000 })
      await expect(ringing.getByTestId('incoming-number')).toHaveText(SIP.b.username)
      await expect(activeCall(b).getByTestId('call-party')).toHaveText('赵敏')
      // The customer answers with her headset's button (the media play/pause key), and B hangs up with theirs.
      await a.keyboard.press('MediaPlayPause')
      await expect(activeCall(a, { state: 'active' })).toHaveCount(1, { timeout: 10_000 })
      await expect(activeCall(b, { state: 'active' })).toHaveCount(1, { timeout: 10_000 })
      await b.keyboard.press('MediaPlayPause')
      await expect(activeCall(b)).toHaveCount(0, { timeout: 10_000 })
      await expect(activeCall(a)).toHaveCount(0, { timeout: 10_000 })
    } finally {
      visitor.close()
    }
  })
})
