import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect, test } from '@playwright/test'
import type { Socket } from 'socket.io-client'
import { startSeededCentre, type RunningCentre } from '../support/centre-process'
import { conversationOp, eventually, pushOne, replyOp, setReady } from '../support/inbox-centre'
import { PASSWORD } from '../support/mini-centre'
import { agentSocket } from '../support/sync-centre'
import { seedWebchatCentre } from '../support/webchat-visitor'

/**
 * The visitor's chat page in Chromium against a real central server; the agent is a desktop's
 * socket.io client on /agent that accepts, answers with a canned response and resolves.
 */
let centre: RunningCentre
let agent: Socket

const CANNED = '您好，感谢您的耐心等待。您的账单已核实，多扣的费用将在3个工作日内退回原支付账户。'

test.beforeAll(async () => {
  centre = await startSeededCentre(async (db) => {
    await seedWebchatCentre(db)
    await db.insertInto('canned_responses').values({ id: 'cr-refund', shortcut: 'tk', title: '退款说明', text: CANNED, skill_group_id: 's1', active: 1 }).execute()
  }, { inbox: { offerTimeoutMs: 60_000, slaCheckIntervalMs: 60_000 } })
  agent = await agentSocket(centre.server.url, 'agent1', PASSWORD)
  await setReady(agent)
})

test.afterAll(async () => {
  agent?.disconnect()
  await centre?.cleanup()
})

test('a visitor writes in Chinese through an IME, sees the agent’s canned reply, and rates the service', async ({ page }) => {
  await page.goto(`${centre.server.url}/chat?site=shop`)
  await expect(page.getByTestId('chat-title')).toHaveText('商城在线客服')
  await expect(page.getByTestId('chat-status')).toHaveText('客服在线')
  await expect(page.getByTestId('messages')).toContainText('您好，请问有什么可以帮您？')

  const input = page.getByTestId('chat-input')
  const mine = page.locator('[data-testid="message"][data-from="visitor"]')
  await input.focus()
  // 拼音 input: the Enter that picks a candidate belongs to the IME and must not send.
  await input.dispatchEvent('compositionstart', { data: '' })
  await page.keyboard.insertText('你好，我的话费账单')
  // What the IME's candidate-picking Enter looks like to the page: a keydown while composing
  // (dispatched, so it has no default action of its own, as the IME consumes it).
  await input.dispatchEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true })
  await input.dispatchEvent('keydown', { key: 'Enter', code: 'Enter', keyCode: 229, isComposing: true, bubbles: true, cancelable: true })
  await expect(mine).toHaveCount(0)
  await page.keyboard.insertText('多扣了二十元')
  await input.dispatchEvent('compositionend', { data: '多扣了二十元' })
  await expect(input).toHaveValue('你好，我的话费账单多扣了二十元')
  await page.keyboard.press('Enter')
  await expect(mine).toHaveCount(1)
  await expect(mine.first().getByTestId('message-text')).toHaveText('你好，我的话费账单多扣了二十元')
  await expect(mine.first()).toContainText('已发送')
  await expect(input).toHaveValue('')

  // An emoji from the panel.
  await page.getByTestId('emoji-button').click()
  await page.getByTestId('emoji-panel').getByRole('button', { name: '🙏' }).click()
  await input.press('Enter')
  await expect(mine).toHaveCount(2)
  await expect(mine.nth(1).getByTestId('message-text')).toHaveText('🙏')

  // Script in chat text is shown as text and never runs.
  const script = '<b>加急</b><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
  await input.fill(script)
  await input.press('Enter')
  await expect(mine).toHaveCount(3)
  await expect(mine.nth(2).getByTestId('message-text')).toHaveText(script)
  expect(await mine.nth(2).locator('b, img, script').count()).toBe(0)
  expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined()

  // The agent accepts and answers with the canned response.
  const conversation = await eventually(async () => {
    const row = await centre.server.db.selectFrom('conversations').selectAll().where('channel', '=', 'chat').executeTakeFirst()
    return row?.status === 'offered' ? row : undefined
  }, 'the offer to agent1')
  expect(conversation.assigned_agent_id).toBe('a1')
  const canned = await centre.server.db.selectFrom('canned_responses').select('text').where('shortcut', '=', 'tk').executeTakeFirstOrThrow()
  expect(await pushOne(agent, conversationOp('conversation.accept', { conversationId: conversation.id }))).toMatchObject({ status: 'applied' })
  expect(await pushOne(agent, replyOp(conversation.id, canned.text))).toMatchObject({ status: 'applied' })
  const reply = page.locator('[data-testid="message"][data-from="agent"]')
  await expect(reply).toHaveCount(1)
  await expect(reply.getByTestId('message-text')).toHaveText(CANNED)
  await expect(reply).toContainText('王芳')
  // The page reports that the visitor has seen the reply, and shows that the agent read the question.
  const replyId = await reply.getAttribute('data-id')
  await eventually(async () => {
    const read = await centre.server.db.selectFrom('webchat_reads').select('up_to_message_id').where('conversation_id', '=', conversation.id).executeTakeFirst()
    return read?.up_to_message_id === replyId
  }, 'the read state stored')
  await expect(mine.first()).toContainText('已读')

  // Resolved: the inline rating appears; five stars are stored for the conversation.
  expect(await pushOne(agent, conversationOp('conversation.resolve', { conversationId: conversation.id, disposition: 'solved', note: '' }))).toMatchObject({ status: 'applied' })
  await expect(page.getByTestId('survey')).toBeVisible()
  await expect(page.getByTestId('survey-submit')).toBeDisabled()
  await page.getByTestId('rate-5').click()
  await page.getByTestId('survey-comment').fill('处理很快，谢谢！')
  await page.getByTestId('survey-submit').click()
  await expect(page.getByTestId('survey-done')).toBeVisible()
  await eventually(async () => {
    const row = await centre.server.db.selectFrom('conversations').select('rating').where('id', '=', conversation.id).executeTakeFirst()
    return row?.rating === 5
  }, 'the rating stored')

  // After a reload the page is the same visitor with the whole conversation.
  await page.reload()
  await expect(page.locator('[data-testid="message"][data-from="visitor"]')).toHaveCount(3)
  await expect(page.locator('[data-testid="message"][data-from="agent"]')).toHaveCount(1)
})

test('with no agent ready, the visitor leaves a message', async ({ page }) => {
  await agent.timeout(10_000).emitWithAck('agentState:set', { state: 'not_ready', reasonCode: 'break' })
  await page.goto(`${centre.server.url}/chat?site=shop`)
  await expect(page.getByTestId('chat-status')).toHaveText('客服暂时不在线')
  await expect(page.getByTestId('leave-form')).toBeVisible()
  await page.getByTestId('leave-name').fill('赵女士')
  await page.getByTestId('leave-text').fill('想咨询一下宽带续费的优惠活动')
  await page.getByTestId('leave-submit').click()
  await expect(page.getByTestId('leave-error')).toHaveText('请留下手机号码或电子邮箱')
  await page.getByTestId('leave-phone').fill('13700001111')
  await page.getByTestId('leave-submit').click()
  await expect(page.getByTestId('leave-done')).toBeVisible()
  const stored = await eventually(async () =>
    centre.server.db.selectFrom('messages').select('text').where('text', 'like', '【访客留言】想咨询一下宽带续费%').executeTakeFirst(), 'the left message')
  expect(stored.text).toContain('电话：13700001111')
})

test('the one-line embed opens the chat on a company page, where the visitor sends a picture', async ({ page }) => {
  await agent.timeout(10_000).emitWithAck('agentState:set', { state: 'ready' })
  // The company's website, on another origin, with nothing but the snippet.
  const site: Server = createServer((_request, response) => {
    response.setHeader('content-type', 'text/html; charset=utf-8')
    response.end(`<!doctype html><html lang="zh-CN"><head><title>某某通信</title></head><body><h1>欢迎光临</h1><script src="${centre.server.url}/chat/embed.js" data-site="demo" async></script></body></html>`)
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  const companyUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/products`
  try {
    await page.goto(companyUrl)
    await page.getByRole('button', { name: '打开在线客服' }).click()
    const chat = page.frameLocator('iframe[title="在线客服"]')
    await expect(chat.getByTestId('chat-title')).toHaveText('官网在线客服')
    await chat.getByTestId('chat-input').fill('请问宽带续费有优惠吗？')
    await chat.getByTestId('chat-input').press('Enter')
    const mine = chat.locator('[data-testid="message"][data-from="visitor"]')
    await expect(mine).toHaveCount(1)
    await expect(mine.first()).toContainText('已发送')

    // A picture: uploaded with the visitor's token, shown from the server.
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex')
    await chat.getByTestId('file-input').setInputFiles({ name: '光猫指示灯.png', mimeType: 'image/png', buffer: png })
    await expect(mine).toHaveCount(2)
    await expect(mine.nth(1).locator('img.picture')).toHaveAttribute('src', /^blob:/)
    await expect(mine.nth(1)).toContainText('已发送')

    const conversation = await eventually(async () =>
      centre.server.db.selectFrom('conversations').selectAll().where('channel', '=', 'chat').where('subject', '=', '官网在线客服').executeTakeFirst(), 'the conversation')
    expect(JSON.parse(conversation.meta)).toMatchObject({ site: 'demo', page: companyUrl })
  } finally {
    await new Promise((resolve) => site.close(resolve))
  }
})

// Last: it restarts the central server.
test('a message written while the server is away waits on the page and is stored once when it is back', async ({ page }) => {
  await page.goto(`${centre.server.url}/chat?site=shop`)
  await expect(page.getByTestId('chat-status')).not.toHaveText('')
  await centre.server.stop()
  await expect(page.getByTestId('reconnect-banner')).toBeVisible()

  const text = '刚才断网了，这条消息能收到吗？'
  await page.getByTestId('chat-input').fill(text)
  await page.getByTestId('chat-input').press('Enter')
  const pending = page.locator('[data-testid="message"][data-from="visitor"]', { hasText: text })
  await expect(pending).toContainText('发送中…')

  await centre.restart()
  // socket.io's backoff tops out at 5 s on the page.
  await expect(pending).toContainText('已发送', { timeout: 20_000 })
  await expect(page.getByTestId('reconnect-banner')).toBeHidden()
  await page.reload()
  await expect(page.locator('[data-testid="message"][data-from="visitor"]', { hasText: text })).toHaveCount(1)
  const stored = await centre.server.db.selectFrom('messages').select('id').where('text', '=', text).execute()
  expect(stored).toHaveLength(1)
})
