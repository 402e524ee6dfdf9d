import { expect, test, type Browser, type Page } from '@playwright/test'
import { PASSWORD, startTestCentre, startWorkstation, type TestCentre } from './support/harness'

type Workstation = Awaited<ReturnType<typeof startWorkstation>>

let centre: TestCentre
const workstations: Workstation[] = []

test.beforeAll(async () => {
  centre = await startTestCentre()
})
test.afterAll(async () => {
  await Promise.all(workstations.map((w) => w.dispose()))
  await centre.cleanup()
})

/** Opens a fresh browser context on its own workstation (web host) and signs in. */
async function signIn(browser: Browser, username: string): Promise<Page> {
  const workstation = await startWorkstation(centre)
  workstations.push(workstation)
  const page = await (await browser.newContext()).newPage()
  await page.goto(workstation.url)
  await expect(page.getByTestId('login-server')).toHaveValue(centre.server.url)
  await page.getByTestId('login-username').fill(username)
  await page.getByTestId('login-password').fill(PASSWORD)
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('shell')).toBeVisible()
  return page
}

test('an agent sets 示忙/小休, the lead sees it within a second, forces 示闲, and the agent sees who did it', async ({ browser }) => {
  const agent = await signIn(browser, 'agent1')
  const lead = await signIn(browser, 'lead1')
  await expect(agent.getByTestId('status-agent-name')).toContainText('王芳')
  await expect(agent.getByTestId('connection-status')).toHaveAttribute('data-status', 'online')

  await lead.getByTestId('nav-team').click()
  const row = lead.getByTestId('team-row-agent1')
  await expect(row).toHaveAttribute('data-online', 'true')

  await agent.getByTestId('state-select').selectOption('not_ready')
  await agent.getByTestId('reason-select').selectOption({ label: '小休' })
  await agent.getByTestId('state-apply').click()
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-state', 'not_ready')
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-reason', 'break')
  // The lead's view updates live, without a refresh, inside one second.
  await expect(row).toHaveAttribute('data-state', 'not_ready', { timeout: 1_000 })
  await expect(row).toHaveAttribute('data-reason', 'break', { timeout: 1_000 })
  await expect(row).toContainText('小休')

  await lead.getByTestId('force-ready-agent1').click()
  await expect(row).toHaveAttribute('data-state', 'ready')
  await expect(row).toContainText('刘洋')
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-state', 'ready')
  await expect(agent.getByTestId('forced-notice')).toContainText('刘洋')
  await expect(agent.getByTestId('state-timer')).toHaveText(/^00:0\d$/)

  // 强制示忙 needs a reason from the lead too.
  await lead.getByTestId('force-not-ready-agent1').click()
  await lead.getByTestId('force-reason-select').selectOption({ label: '培训' })
  await lead.getByTestId('force-reason-confirm').click()
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-reason', 'training')
  await expect(agent.getByTestId('forced-banner')).toContainText('刘洋')

  await lead.getByTestId('force-signout-agent1').click()
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-state', 'signed_out')
  await expect(row).toHaveAttribute('data-state', 'signed_out')
})

test('the session lives in main: reloading the page keeps the agent signed in', async ({ browser }) => {
  const agent = await signIn(browser, 'agent2')
  await agent.getByTestId('state-select').selectOption('away')
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-state', 'away')
  await agent.reload()
  await expect(agent.getByTestId('shell')).toBeVisible()
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-state', 'away')
})

test('a wrong password shows a clear error and stays on the login screen', async ({ browser }) => {
  const workstation = await startWorkstation(centre)
  workstations.push(workstation)
  const page = await (await browser.newContext()).newPage()
  await page.goto(workstation.url)
  await page.getByTestId('login-username').fill('agent3')
  await page.getByTestId('login-password').fill("' OR '1'='1")
  await page.getByTestId('login-submit').click()
  await expect(page.getByTestId('login-error')).toContainText('用户名或密码错误')
  await expect(page.getByTestId('shell')).toHaveCount(0)
})

test('a page without the launch secret gets nothing', async ({ browser }) => {
  const workstation = await startWorkstation(centre)
  workstations.push(workstation)
  const page = await (await browser.newContext()).newPage()
  await page.goto(workstation.origin + '/')
  await expect(page.getByTestId('unauthorised-page')).toBeVisible()
  await page.goto(workstation.origin + '/#k=wrong-secret')
  await expect(page.getByTestId('unauthorised-page')).toBeVisible()
})

test('the status bar follows the connection when the central server restarts', async ({ browser }) => {
  const agent = await signIn(browser, 'agent3')
  const status = agent.getByTestId('connection-status')
  await expect(status).toHaveAttribute('data-status', 'online')
  await centre.server.stop()
  await expect(status).toHaveAttribute('data-status', /reconnecting|offline/)
  await centre.restart()
  await expect(status).toHaveAttribute('data-status', 'online', { timeout: 10_000 })
  await agent.getByTestId('state-select').selectOption('ready')
  await expect(agent.getByTestId('current-state')).toHaveAttribute('data-state', 'ready')
})

test('English can be switched on and is remembered', async ({ browser }) => {
  const agent = await signIn(browser, 'lead2')
  await agent.getByTestId('lang-switch').click()
  await expect(agent.getByTestId('nav-team')).toContainText('Team')
  await agent.reload()
  await expect(agent.getByTestId('nav-team')).toContainText('Team')
})
