/**
 * Re-takes docs/screenshot.png: the demo centre, agent01 on a break, lead1's team view after
 * forcing another agent. Run: npx tsx scripts/readme-screenshot.ts (after npm run build).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Page } from '@playwright/test'
import { startCentralServer } from '../src/server/app'
import { openDatabase } from '../src/server/db/database'
import { migrateToLatest } from '../src/server/db/migrate'
import { DEFAULT_DEMO_PASSWORD, seedDemoData } from '../src/server/seed'
import { startWebHost } from '../src/main/web-host/web-host'

const dir = mkdtempSync(join(tmpdir(), 'omni-shot-'))
const databaseUrl = join(dir, 'demo.sqlite')
const db = openDatabase(databaseUrl)
await migrateToLatest(db)
await seedDemoData(db)
await db.destroy()
const server = await startCentralServer({ databaseUrl, port: 0, logLevel: 'silent' })
const hosts = await Promise.all(
  [1, 2, 3].map((n) => startWebHost({ rendererDir: resolve('out/renderer'), dataDir: join(dir, `ws${n}`), defaultServerUrl: server.url })),
)
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] })

async function signIn(url: string, username: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, deviceScaleFactor: 1 })
  await page.goto(url)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(DEFAULT_DEMO_PASSWORD)
  await page.getByTestId('login-submit').click()
  await page.getByTestId('shell').waitFor()
  return page
}

const [h1, h2, h3] = hosts as [(typeof hosts)[0], (typeof hosts)[0], (typeof hosts)[0]]
const agent = await signIn(h1.url, 'agent01')
await agent.getByTestId('state-select').selectOption('not_ready')
await agent.getByTestId('reason-select').selectOption({ index: 1 })
await agent.getByTestId('state-apply').click()
const other = await signIn(h2.url, 'agent02')
await other.getByTestId('state-select').selectOption('ready')
const lead = await signIn(h3.url, 'lead1')
await lead.getByTestId('nav-team').click()
await lead.getByTestId('force-ready-agent01').waitFor()
await lead.waitForTimeout(3_000)
await lead.getByTestId('force-ready-agent02').click()
await lead.waitForTimeout(1_500)
await lead.screenshot({ path: 'docs/screenshot.png' })

await browser.close()
await Promise.all(hosts.map((h) => h.stop()))
await server.stop()
rmSync(dir, { recursive: true, force: true })
console.log('Wrote docs/screenshot.png')
