import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { startWebHost, type WebHost } from '../../src/main/web-host/web-host'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { eventually } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { seedWebchatCentre } from '../support/webchat-visitor'
import { RENDERER_DIR } from './support/harness'

/**
 * The unified inbox end to end: a visitor on the web-chat page (one Chromium page) and the agent's
 * desktop through the web host (another), both against a real central server. The right agent gets
 * the chat, answers with a canned response picked with `/`, the visitor sees it, the agent resolves,
 * the visitor rates. Then a reply written while the central server is down arrives once it is back.
 */
let centre: RunningCentre
let host: WebHost
let dataDir: string

const CANNED = '您好{{customer.name}}，我是{{agent.name}}，您的话费已为您核实，多扣的费用将在3个工作日内退回。'

test.beforeAll(async () => {
  centre = await startSeededCentre(
    async (db) => {
      await seedWebchatCentre(db)
      await db.insertInto('canned_responses').values({ id: 'cr-refund', shortcut: 'tuikuan', title: '退费说明', text: CANNED, skill_group_id: 's1', active: 1 }).execute()
      await db.insertInto('changes').values({ entity: 'canned_response', entity_id: 'cr-refund', deleted: 0, at: Date.now() }).execute()
    },
    { inbox: { offerTimeoutMs: 120_000, slaCheckIntervalMs: 60_000 } },
  )
  dataDir = mkdtempSync(join(tmpdir(), 'omni-inbox-e2e-'))
  host = await startWebHost({
    rendererDir: RENDERER_DIR,
    dataDir,
    defaultServerUrl: centre.server.url,
    services: { connection: { backoff: { initialMs: 100, maxMs: 1_000 } } },
  })
})

test.afterAll(async () => {
  await host?.stop()
  await centre?.cleanup()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
})

async function signInReady(page: Page, username: string): Promise<void> {
  await page.goto(host.url)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('shell')).toBeVisible()
  await page.getByTestId('state-select').selectOption('ready')
  await expect(page.getByTestId('current-state')).toHaveAttribute('data-state', 'ready')
  await page.getByTestId('nav-inbox').click()
  await expect(page.getByTestId('inbox-page')).toBeVisible()
}

test('a visitor chats in Chinese, the right agent answers with a canned response, the visitor rates it; a reply written offline arrives later', async ({ browser }) => {
  // Two pages, a server restart and reconnects on a two-core machine shared with the test run.
  test.setTimeout(150_000)
  const agentPage = await browser.newPage()
  await signInReady(agentPage, 'agent1')

  const visitor = await browser.newPage()
  await visitor.goto(`${centre.server.url}/chat?site=shop`)
  await expect(visitor.getByTestId('chat-status')).toHaveText('客服在线')
  const input = visitor.getByTestId('chat-input')
  await input.fill('你好，我这个月的话费多扣了二十元，帮我查一下')
  await input.press('Enter')
  await expect(visitor.locator('[data-testid="message"][data-from="visitor"]')).toHaveCount(1)

  // The offer reaches agent1 (the only ready agent with the site's skill group).
  const row = agentPage.getByTestId('conversation-row').first()
  await expect(row).toHaveAttribute('data-status', 'offered', { timeout: 15_000 })
  await expect(row).toHaveAttribute('data-channel', 'chat')
  await row.getByTestId('row-accept').click()
  await row.click()
  const pane = agentPage.getByTestId('conversation-pane')
  await expect(pane).toHaveAttribute('data-status', 'open', { timeout: 15_000 })
  await expect(pane.getByTestId('message').first()).toContainText('话费多扣了二十元')

  // `/` opens the canned responses; the pick fills the variables.
  const composer = agentPage.getByTestId('composer-input')
  await composer.click()
  await composer.pressSequentially('/tuik')
  await expect(agentPage.getByTestId('canned-picker')).toBeVisible()
  await agentPage.getByTestId('canned-item').first().click()
  await expect(composer).toHaveValue(/我是王芳，您的话费已为您核实/)
  await agentPage.getByTestId('composer-send').click()
  const out = pane.locator('[data-testid="message"][data-direction="out"]')
  await expect(out).toHaveCount(1)
  await expect(out.first()).toHaveAttribute('data-delivery', 'sent', { timeout: 15_000 })

  const fromAgent = visitor.locator('[data-testid="message"][data-from="agent"]')
  await expect(fromAgent).toHaveCount(1)
  await expect(fromAgent.first().getByTestId('message-text')).toContainText('我是王芳，您的话费已为您核实')

  // A file of 600 KB goes up through the web host's bridge and out with the next reply.
  const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(600 * 1024, 0x20), Buffer.from('\n%%EOF\n')])
  await agentPage.getByTestId('composer-file').setInputFiles({ name: '退费说明.pdf', mimeType: 'application/pdf', buffer: pdf })
  await expect(agentPage.getByTestId('composer-attachment')).toHaveCount(1, { timeout: 15_000 })
  await composer.fill('附件是退费说明，请查收。')
  await agentPage.getByTestId('composer-send').click()
  await expect(out).toHaveCount(2)
  await expect(out.nth(1).getByTestId('message-attachment')).toHaveCount(1)
  await expect(out.nth(1)).toHaveAttribute('data-delivery', 'sent', { timeout: 15_000 })
  await expect(fromAgent).toHaveCount(2)

  // The customer asks again; the agent answers while the central server is down.
  await input.fill('好的，那退回后会有短信通知吗？')
  await input.press('Enter')
  await expect(pane.locator('[data-testid="message"][data-direction="in"]')).toHaveCount(2, { timeout: 15_000 })
  await centre.server.stop()
  await expect(agentPage.getByTestId('offline-banner')).toBeVisible({ timeout: 15_000 })
  await composer.fill('会的，退款到账时会有短信提醒。')
  await agentPage.getByTestId('composer-send').click()
  await expect(out).toHaveCount(3)
  await expect(out.nth(2)).toHaveAttribute('data-delivery', 'queued')
  // The reply, and the read mark of the message it answers.
  await expect(agentPage.getByTestId('pending-count')).toHaveAttribute('data-count', /^[1-9]\d*$/)

  await centre.restart()
  await expect(out.nth(2)).toHaveAttribute('data-delivery', 'sent', { timeout: 30_000 })
  await expect(agentPage.getByTestId('pending-count')).toHaveAttribute('data-count', '0')
  // The visitor's page reconnects by itself and gets the answer.
  await expect(fromAgent).toHaveCount(3, { timeout: 30_000 })
  await expect(fromAgent.nth(2).getByTestId('message-text')).toHaveText('会的，退款到账时会有短信提醒。')

  // Resolve with a disposition; the visitor rates the service.
  await agentPage.getByTestId('conversation-resolve').click()
  await agentPage.getByTestId('disposition-option').first().click()
  await agentPage.getByTestId('resolve-confirm').click()
  await expect(pane).toHaveAttribute('data-status', 'resolved', { timeout: 15_000 })
  await expect(visitor.getByTestId('survey')).toBeVisible({ timeout: 15_000 })
  await visitor.getByTestId('rate-5').click()
  await visitor.getByTestId('survey-submit').click()
  await expect(visitor.getByTestId('survey-done')).toBeVisible()
  const conversationId = await pane.getAttribute('data-id')
  await eventually(async () => {
    const stored = await centre.server.db.selectFrom('conversations').select('rating').where('id', '=', conversationId ?? '').executeTakeFirst()
    return stored?.rating === 5
  }, 'the rating stored')
  // Exactly once: three replies stored, however often the desktop retried.
  const replies = await centre.server.db.selectFrom('messages').select('id').where('conversation_id', '=', conversationId ?? '').where('direction', '=', 'out').execute()
  expect(replies).toHaveLength(3)
})
