/**
 * Takes docs/inbox.png: the demo centre with simulated customers writing on the web chat and in
 * QQ groups, agent01's inbox with work offered and one conversation open.
 * Run: npx tsx scripts/inbox-screenshot.ts (after npm run build).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from '@playwright/test'
import { startWebHost } from '../src/main/web-host/web-host'
import { startCentralServer } from '../src/server/app'
import { demoQqMembers, seedDemoQqConfig } from '../src/server/channels/qq/demo-config'
import { openDatabase } from '../src/server/db/database'
import { migrateToLatest } from '../src/server/db/migrate'
import { DEFAULT_DEMO_PASSWORD, seedDemoData } from '../src/server/seed'
import { runQqSimulator } from '../src/server/simulator/qq-simulator'
import { runWebchatSimulator } from '../src/server/simulator/webchat-simulator'

const dir = mkdtempSync(join(tmpdir(), 'omni-inbox-shot-'))
const databaseUrl = join(dir, 'demo.sqlite')
const db = openDatabase(databaseUrl)
await migrateToLatest(db)
await seedDemoData(db, { customers: 200, articles: 60 })
await seedDemoQqConfig(db)
const members = await demoQqMembers(db)
await db.destroy()
const server = await startCentralServer({ databaseUrl, port: 0, logLevel: 'silent' })
const host = await startWebHost({ rendererDir: resolve('out/renderer'), dataDir: join(dir, 'ws'), defaultServerUrl: server.url })
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })

const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 })
await page.goto(host.url)
await page.getByTestId('login-username').fill('agent01')
await page.getByTestId('login-password').fill(DEFAULT_DEMO_PASSWORD)
await page.getByTestId('login-submit').click()
await page.getByTestId('shell').waitFor()
// The demo has 规章 to sign; the pop-up comes once the KB has synced. Put it aside for the picture.
await page.getByTestId('signoff-modal').waitFor({ timeout: 30_000 })
await page.getByTestId('signoff-minimise').click()
await page.getByTestId('state-select').selectOption('ready')
await page.getByTestId('nav-inbox').click()

const webchat = runWebchatSimulator({ serverUrl: server.url, visitors: 6, messagesPerMinute: 60, seed: 7 })
const qq = runQqSimulator({ serverUrl: server.url, messagesPerMinute: 60, members, seed: 7 })
const rows = page.getByTestId('conversation-row')
await rows.nth(3).waitFor({ timeout: 60_000 })
// Take two, so the screenshot shows open work beside fresh offers.
for (const index of [0, 1]) {
  const accept = rows.nth(index).getByTestId('row-accept')
  if (await accept.isVisible()) await accept.click()
}
await page.waitForTimeout(8_000)
await rows.first().click()
await page.getByTestId('conversation-pane').waitFor()
await page.waitForTimeout(1_500)
await page.screenshot({ path: 'docs/inbox.png' })

await Promise.allSettled([webchat.stop(), qq.stop()])
await browser.close()
await host.stop()
await server.stop()
rmSync(dir, { recursive: true, force: true })
console.log('Wrote docs/inbox.png')
