import { expect, test, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWebHost, type WebHost } from '../../src/main/web-host/web-host'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { accessToken } from '../support/sync-centre'
import { RENDERER_DIR } from './support/harness'

let centre: DemoCentre
let host: WebHost
let dataDir: string

test.beforeAll(async () => {
  centre = await startDemoCentre({ customers: 20, articles: 30 })
  dataDir = mkdtempSync(join(tmpdir(), 'omni-kb-settings-'))
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
  rmSync(dataDir, { recursive: true, force: true })
})

// The web host keeps its session between pages: each test signs out, so the next one starts at the login.
test.afterEach(async ({ page }) => {
  const modal = page.getByTestId('signoff-modal')
  if (await modal.isVisible()) await page.getByTestId('signoff-minimise').click()
  if (await page.getByTestId('logout').isVisible()) {
    await page.getByTestId('logout').click()
    await expect(page.getByTestId('login-username')).toBeVisible()
  }
})

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(host.url)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('shell')).toBeVisible()
  await expect(page.getByTestId('synced-at')).toBeAttached({ timeout: 20_000 })
  const modal = page.getByTestId('signoff-modal')
  if (await modal.isVisible()) await page.getByTestId('signoff-minimise').click()
}

async function openArticle(page: Page, title: string): Promise<void> {
  await page.getByTestId('nav-kb').click()
  await page.getByTestId('kb-search').fill(title)
  await expect(page.getByTestId('kb-result-title').first()).toContainText(title)
  await page.getByTestId('kb-result').first().click()
  await expect(page.getByTestId('kb-article-title')).toContainText(title)
}

test('KB files preview and download; the history shows what an edit changed', async ({ page }) => {
  const withFiles = await centre.server.db
    .selectFrom('kb_article_attachments')
    .innerJoin('kb_articles', 'kb_articles.id', 'kb_article_attachments.article_id')
    .innerJoin('attachments', 'attachments.id', 'kb_article_attachments.attachment_id')
    .select(['kb_articles.id', 'kb_articles.title', 'kb_articles.version', 'kb_articles.body', 'kb_articles.tags', 'kb_articles.category_id', 'attachments.mime'])
    .where('attachments.mime', '=', 'image/png')
    .executeTakeFirstOrThrow()
  await signIn(page, 'agent01')
  await openArticle(page, withFiles.title)

  const files = page.getByTestId('kb-attachment')
  await expect(files).toHaveCount(2)
  await page.getByTestId('kb-attachment-preview').click()
  await expect(page.getByTestId('kb-attachment-image')).toBeVisible()
  const csv = files.filter({ hasText: '.csv' })
  const [download] = await Promise.all([page.waitForEvent('download'), csv.getByTestId('kb-attachment-download').click()])
  expect(download.suggestedFilename()).toBe('资费对照表.csv')
  await page.screenshot({ path: test.info().outputPath('kb-attachments.png') })

  // An administrator edits it; the agent's open article moves on and its history shows the change.
  const admin = await accessToken(centre.server.url, 'admin', DEMO_PASSWORD)
  const res = await fetch(`${centre.server.url}/api/kb/articles/${withFiles.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      baseVersion: withFiles.version,
      title: withFiles.title,
      body: `<p>新增说明：办理前请先核实客户身份。</p>${withFiles.body}`,
      tags: withFiles.tags.split(',').filter(Boolean),
      mandatory: false,
      categoryId: withFiles.category_id,
    }),
  })
  expect(res.status).toBe(200)
  await expect(page.getByTestId('kb-article')).toHaveAttribute('data-version', String(withFiles.version + 1), { timeout: 15_000 })
  await page.getByTestId('kb-history-toggle').click()
  await expect(page.getByTestId('kb-history-version')).toHaveCount(2)
  await expect(page.getByTestId('kb-history-text').locator('.kb-history-body ins').first()).toContainText('新增说明')
  await page.screenshot({ path: test.info().outputPath('kb-history.png') })

  // With the central server down, the article's files still open from the cache.
  await centre.server.stop()
  try {
    await expect(page.getByTestId('offline-banner')).toBeVisible()
    await page.getByTestId('kb-history-toggle').click()
    await page.getByTestId('kb-attachment-preview').click()
    await expect(page.getByTestId('kb-attachment-image')).toBeVisible()
    const [offlineDownload] = await Promise.all([page.waitForEvent('download'), csv.getByTestId('kb-attachment-download').click()])
    expect(offlineDownload.suggestedFilename()).toBe('资费对照表.csv')
    await expect(page.getByTestId('kb-attachment-error')).toHaveCount(0)
  } finally {
    await centre.restart()
  }
})

test('the settings page stores preferences for the agent; the language follows them to a new session', async ({ page, browser }) => {
  // Two workstations sign in and sync in this test.
  test.setTimeout(120_000)
  await signIn(page, 'agent02')
  await page.getByTestId('nav-settings').click()
  await expect(page.getByTestId('settings-page')).toBeVisible()
  await expect(page.getByTestId('settings-centre')).toContainText('30')
  await page.getByTestId('settings-notify.sound').uncheck()
  await page.getByTestId('settings-language-en').check()
  await expect(page.getByTestId('nav-settings')).toHaveText(/Settings/)
  await page.screenshot({ path: test.info().outputPath('settings.png') })

  const stored = async () =>
    centre.server.db
      .selectFrom('agent_settings')
      .innerJoin('agents', 'agents.id', 'agent_settings.agent_id')
      .select(['key', 'value'])
      .where('agents.username', '=', 'agent02')
      .orderBy('key')
      .execute()
  await expect.poll(stored, { timeout: 10_000 }).toEqual([
    { key: 'notify.sound', value: 'false' },
    { key: 'ui.language', value: '"en"' },
  ])

  // The agent's other computer: its own web host and data folder, a fresh browser profile in Chinese.
  const otherDir = mkdtempSync(join(tmpdir(), 'omni-kb-settings-2-'))
  const otherHost = await startWebHost({ rendererDir: RENDERER_DIR, dataDir: otherDir, defaultServerUrl: centre.server.url })
  const context = await browser.newContext({ locale: 'zh-CN' })
  try {
    const second = await context.newPage()
    await second.goto(otherHost.url)
    await expect(second.getByTestId('lang-switch')).toHaveAttribute('data-lang', 'zh-CN')
    await second.getByTestId('login-username').fill('agent02')
    await second.getByTestId('login-password').fill(DEMO_PASSWORD)
    await second.getByTestId('login-submit').click()
    await expect(second.getByTestId('shell')).toBeVisible()
    await expect(second.getByTestId('lang-switch')).toHaveAttribute('data-lang', 'en', { timeout: 20_000 })
    await expect(second.getByTestId('nav-settings')).toHaveText(/Settings/)
  } finally {
    await context.close()
    await otherHost.stop()
    rmSync(otherDir, { recursive: true, force: true })
  }
})
