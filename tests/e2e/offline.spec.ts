import { expect, test, type Page } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWebHost, type WebHost } from '../../src/main/web-host/web-host'
import { DEMO_PASSWORD, startDemoCentre, type DemoCentre } from '../support/demo-centre'
import { RENDERER_DIR } from './support/harness'

let centre: DemoCentre
let host: WebHost
let dataDir: string

test.beforeAll(async () => {
  centre = await startDemoCentre({ customers: 60, articles: 60 })
  dataDir = mkdtempSync(join(tmpdir(), 'omni-offline-'))
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

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(host.url)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('shell')).toBeVisible()
  await expect(page.getByTestId('synced-at')).toBeAttached({ timeout: 20_000 })
}

test('works with the central server down, and everything done offline arrives afterwards', async ({ page }) => {
  await signIn(page, 'agent01')
  const customer = await centre.server.db.selectFrom('customers').select(['id', 'name']).orderBy('id').limit(1).executeTakeFirstOrThrow()
  // The 规章 pop-up comes first; leave it for later.
  const modal = page.getByTestId('signoff-modal')
  await expect(modal).toBeVisible()
  const unsigned = Number(await modal.getAttribute('data-count'))
  expect(unsigned).toBeGreaterThan(0)
  await page.getByTestId('signoff-minimise').click()

  await centre.server.stop()
  await expect(page.getByTestId('offline-banner')).toBeVisible()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', /offline|reconnecting/)

  // Knowledge base from the cache: a title cut into 2-character and longer queries.
  await page.getByTestId('nav-kb').click()
  const firstTitle = (await page.getByTestId('kb-result-title').first().innerText()).trim()
  for (const query of [firstTitle.slice(0, 2), firstTitle.slice(0, 4)]) {
    await page.getByTestId('kb-search').fill(query)
    await expect(page.getByTestId('kb-result').first()).toBeVisible()
    await expect(page.getByTestId('kb-result-title').first().locator('mark').first()).toBeVisible()
  }

  // A customer, a note, and an unfinished note kept as a draft.
  await page.getByTestId('nav-customers').click()
  await page.getByTestId('customer-search').fill(customer.name)
  await page.getByTestId('customer-result').first().click()
  await expect(page.getByTestId('customer-card')).toHaveAttribute('data-id', customer.id)
  const note = `离线时记录：客户反映宽带夜间掉线，已建议重启光猫 ${Date.now()}`
  await page.getByTestId('note-input').fill(note)
  await page.getByTestId('note-add').click()
  const added = page.getByTestId('interaction').filter({ hasText: note })
  await expect(added).toHaveAttribute('data-delivery', 'pending')

  // The mandatory articles, signed offline.
  await page.getByTestId('signoff-badge').click()
  for (let i = 0; i < unsigned; i++) await modal.getByTestId('signoff-sign').click()
  await expect(modal).toBeHidden()
  await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', String(unsigned + 1))

  await page.getByTestId('note-input').fill('还没写完的备注')
  await expect(page.getByTestId('note-draft-state')).toHaveAttribute('data-state', 'saved')

  await centre.restart()
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'online', { timeout: 15_000 })
  await expect(page.getByTestId('offline-banner')).toBeHidden()
  await expect(page.getByTestId('pending-count')).toHaveAttribute('data-count', '0', { timeout: 15_000 })
  await expect(added).toHaveAttribute('data-delivery', 'sent')

  const notes = await centre.server.db.selectFrom('interactions').select('summary').where('summary', '=', note).execute()
  expect(notes).toHaveLength(1)
  const agentId = (await centre.server.db.selectFrom('agents').select('id').where('username', '=', 'agent01').executeTakeFirstOrThrow()).id
  const signoffs = await centre.server.db.selectFrom('kb_signoffs').selectAll().where('agent_id', '=', agentId).execute()
  expect(signoffs).toHaveLength(unsigned)

  // The draft survives a reload of the page (and of main: it lives in the cache file).
  await page.reload()
  await page.getByTestId('nav-customers').click()
  await page.getByTestId('customer-search').fill(customer.name)
  await page.getByTestId('customer-result').first().click()
  await expect(page.getByTestId('note-input')).toHaveValue('还没写完的备注')
})
