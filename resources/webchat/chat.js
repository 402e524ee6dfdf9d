/* global io, window, document, location, URL, URLSearchParams, crypto, fetch, setTimeout, clearTimeout */
/**
 * The web-chat visitor page (served by the central server at /chat?site=<key>). Plain script, no
 * build step: socket.io's client is loaded before it from /chat/socket.io.min.js.
 *
 * Everything a visitor or an agent wrote is put in the page as text (textContent), never as HTML.
 * Unsent messages are kept in localStorage with their client id and sent again after a reconnect;
 * the server stores a client id once, so nothing is lost and nothing is doubled.
 */
;(function () {
  'use strict'

  const params = new URLSearchParams(location.search)
  const siteKey = params.get('site') || ''
  const pageUrl = params.get('page') || document.referrer || ''
  const TOKEN_KEY = 'omnidesk.webchat.token'
  const OUTBOX_KEY = 'omnidesk.webchat.outbox.' + (siteKey || 'default')
  const MAX_UPLOAD_BYTES = 5 * 1024 * 1024
  const UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']
  const EMOJI = ['😀', '😂', '😊', '😍', '🤔', '😅', '😢', '😡', '👍', '👎', '🙏', '👏', '💪', '🎉', '❤️', '🌹', '☕', '📱', '💰', '📦', '✅', '❌', '⏰', '🙂']
  const SEND_TIMEOUT_MS = 15000

  const $ = (id) => document.querySelector('[data-testid="' + id + '"]')
  const ui = {
    title: $('chat-title'),
    status: $('chat-status'),
    banner: $('reconnect-banner'),
    messages: $('messages'),
    typing: $('agent-typing'),
    input: $('chat-input'),
    send: $('send-button'),
    hint: $('composer-hint'),
    emojiButton: $('emoji-button'),
    emojiPanel: $('emoji-panel'),
    fileButton: $('file-button'),
    fileInput: $('file-input'),
    survey: $('survey'),
    surveyComment: $('survey-comment'),
    surveySubmit: $('survey-submit'),
    surveyDone: $('survey-done'),
    leaveOpen: $('leave-open'),
    leaveForm: $('leave-form'),
    leaveName: $('leave-name'),
    leavePhone: $('leave-phone'),
    leaveEmail: $('leave-email'),
    leaveText: $('leave-text'),
    leaveError: $('leave-error'),
    leaveSubmit: $('leave-submit'),
    leaveCancel: $('leave-cancel'),
    leaveDone: $('leave-done'),
  }

  const storage = {
    get(key) {
      try { return window.localStorage.getItem(key) } catch (_e) { return null }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, value) } catch (_e) { /* storage blocked: the cookie still identifies the visitor */ }
    },
  }

  /** Messages not yet acknowledged by the server: {clientId, text, attachmentIds, attachments}. */
  let outbox = readOutbox()
  const inFlight = new Set()
  /** Rendered rows by message id and by client id. */
  const rowsById = new Map()
  const rowsByClientId = new Map()
  let token = storage.get(TOKEN_KEY)
  let sessionReady = false
  let historyLoaded = false
  let oldestAt = null
  let hasMore = false
  let agentsAvailable = true
  let leaveOffered = false
  let surveyConversationId = null
  let surveyRating = 0
  let lastAgentMessageId = null
  let lastAgentAt = 0
  let composing = false
  let typingSent = false
  let typingTimer = null

  function readOutbox() {
    try {
      const items = JSON.parse(storage.get(OUTBOX_KEY) || '[]')
      return Array.isArray(items) ? items.filter((m) => m && typeof m.clientId === 'string') : []
    } catch (_e) {
      return []
    }
  }
  function saveOutbox() {
    storage.set(OUTBOX_KEY, JSON.stringify(outbox))
  }

  function newClientId() {
    const bytes = new Uint8Array(12)
    crypto.getRandomValues(bytes)
    return 'c' + Date.now().toString(36) + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  }

  const socket = io('/visitor', {
    // A function, so every reconnect presents the token the server gave last.
    auth: (cb) => cb({ token: storage.get(TOKEN_KEY) || token || undefined, site: siteKey, page: pageUrl.slice(0, 500) }),
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  })

  socket.on('connect', () => {
    ui.banner.hidden = true
  })
  socket.on('disconnect', (reason) => {
    sessionReady = false
    ui.banner.hidden = false
    ui.typing.hidden = true
    // socket.io does not come back by itself after the server closed the connection (a restart).
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000)
  })
  socket.on('connect_error', (err) => {
    ui.banner.hidden = false
    if (err && err.data && err.data.code === 'not_found') {
      ui.banner.textContent = '该在线客服暂不可用。'
      return
    }
    // A refusal by the server (not a network failure) is not retried by socket.io itself.
    if (!socket.active) setTimeout(() => socket.connect(), 3000)
  })

  socket.on('session', async (session) => {
    token = session.token
    storage.set(TOKEN_KEY, session.token)
    ui.title.textContent = session.site.name
    document.title = session.site.name
    sessionReady = true
    if (!historyLoaded) await loadHistory(session.site.welcome)
    else await catchUp()
    flushOutbox()
  })

  socket.on('message', (message) => {
    render(message)
    scrollToEnd()
  })
  socket.on('agent:typing', (state) => {
    ui.typing.hidden = !state.typing
    ui.typing.textContent = (state.agentName || '客服') + ' 正在输入…'
  })
  socket.on('read', (state) => markReadUpTo(state.upTo))
  socket.on('survey:request', (request) => showSurvey(request.conversationId))
  socket.on('status', (status) => showStatus(status))
  // Typing and read reports are best effort: only other refusals are worth telling the visitor.
  socket.on('protocol:error', (error) => {
    if (error.event !== 'typing' && error.event !== 'read') showHint(friendly(error))
  })

  async function request(event, payload) {
    try {
      return await socket.timeout(SEND_TIMEOUT_MS).emitWithAck(event, payload)
    } catch (_e) {
      return { ok: false, error: { code: 'timeout', message: '网络不稳定，请稍后再试' } }
    }
  }

  async function loadHistory(welcome) {
    const result = await request('history', {})
    if (!result.ok) return
    historyLoaded = true
    if (welcome && result.value.messages.length === 0) {
      render({ id: 'welcome', conversationId: '', clientId: null, from: 'system', authorName: '', text: welcome, attachments: [], at: Date.now() })
    }
    for (const message of result.value.messages) render(message)
    hasMore = result.value.hasMore
    oldestAt = result.value.messages.length ? result.value.messages[0].at : null
    if (result.value.agentReadUpTo) markReadUpTo(result.value.agentReadUpTo)
    for (const item of outbox) renderPending(item)
    scrollToEnd()
  }

  /** After a reconnect: replies that arrived while the page was away. */
  async function catchUp() {
    const result = await request('history', {})
    if (!result.ok) return
    for (const message of result.value.messages) render(message)
    if (result.value.agentReadUpTo) markReadUpTo(result.value.agentReadUpTo)
    scrollToEnd()
  }

  async function loadOlder() {
    if (!hasMore || oldestAt === null) return
    const before = oldestAt
    hasMore = false
    const result = await request('history', { before })
    if (!result.ok) return
    const first = ui.messages.firstChild
    const height = ui.messages.scrollHeight
    for (const message of result.value.messages) render(message, first)
    hasMore = result.value.hasMore
    if (result.value.messages.length) oldestAt = result.value.messages[0].at
    ui.messages.scrollTop += ui.messages.scrollHeight - height
  }
  ui.messages.addEventListener('scroll', () => {
    if (ui.messages.scrollTop < 40) void loadOlder()
  })

  function flushOutbox() {
    for (const item of outbox.slice()) void deliver(item)
  }

  async function deliver(item) {
    if (!sessionReady || !socket.connected || inFlight.has(item.clientId)) return
    inFlight.add(item.clientId)
    try {
      const result = await request('message:send', { clientId: item.clientId, text: item.text, attachmentIds: item.attachmentIds })
      if (result.ok) {
        dropFromOutbox(item.clientId)
        render(result.value.message)
        return
      }
      // A timeout or a dropped connection: kept, and sent again after the reconnect.
      if (result.error.code === 'timeout') return
      if (result.error.code === 'too_many_attempts') {
        setTimeout(() => void deliver(item), 2000)
        return
      }
      dropFromOutbox(item.clientId)
      const row = rowsByClientId.get(item.clientId)
      if (row) setState(row, '发送失败：' + friendly(result.error))
    } finally {
      inFlight.delete(item.clientId)
    }
  }

  function dropFromOutbox(clientId) {
    outbox = outbox.filter((m) => m.clientId !== clientId)
    saveOutbox()
  }

  function queue(item) {
    outbox.push(item)
    saveOutbox()
    renderPending(item)
    scrollToEnd()
    void deliver(item)
  }

  function sendText() {
    const text = ui.input.value
    if (text.trim() === '') return
    if (text.length > 5000) {
      showHint('消息太长了，请分几次发送')
      return
    }
    ui.input.value = ''
    stopTyping()
    queue({ clientId: newClientId(), text, attachmentIds: [], attachments: [] })
  }

  // --- Rendering (text only) -------------------------------------------------------------------

  function renderPending(item) {
    if (rowsByClientId.has(item.clientId)) return
    const row = buildRow({ id: null, clientId: item.clientId, from: 'visitor', authorName: '', text: item.text, attachments: item.attachments || [] })
    row.classList.add('pending')
    setState(row, '发送中…')
    rowsByClientId.set(item.clientId, row)
    ui.messages.appendChild(row)
  }

  function render(message, before) {
    if (rowsById.has(message.id)) return
    const pending = message.clientId ? rowsByClientId.get(message.clientId) : undefined
    const row = buildRow(message)
    if (pending) {
      pending.replaceWith(row)
    } else if (before) {
      ui.messages.insertBefore(row, before)
    } else {
      ui.messages.appendChild(row)
    }
    rowsById.set(message.id, row)
    if (message.clientId) rowsByClientId.set(message.clientId, row)
    if (message.from === 'visitor') setState(row, '已发送')
    // Older pages of history do not move the read mark back.
    if (message.from === 'agent' && message.at >= lastAgentAt) {
      lastAgentAt = message.at
      lastAgentMessageId = message.id
      ui.typing.hidden = true
      reportRead()
    }
  }

  function buildRow(message) {
    const row = document.createElement('div')
    row.className = 'msg ' + message.from
    row.dataset.testid = 'message'
    row.dataset.from = message.from
    if (message.id) row.dataset.id = message.id
    if (message.clientId) row.dataset.clientId = message.clientId
    if (message.from === 'agent' && message.authorName) {
      const author = document.createElement('div')
      author.className = 'author'
      author.textContent = message.authorName
      row.appendChild(author)
    }
    const bubble = document.createElement('div')
    bubble.className = 'bubble'
    bubble.dataset.testid = 'message-text'
    if (message.text) bubble.appendChild(document.createTextNode(message.text))
    for (const file of message.attachments || []) bubble.appendChild(attachmentView(file))
    row.appendChild(bubble)
    if (message.from === 'visitor') {
      const state = document.createElement('div')
      state.className = 'state'
      row.appendChild(state)
    }
    return row
  }

  function setState(row, text) {
    const state = row.querySelector('.state')
    if (state) state.textContent = text
  }

  function attachmentView(file) {
    if (file.mime && file.mime.indexOf('image/') === 0) {
      const img = document.createElement('img')
      img.className = 'picture'
      img.alt = file.name
      void fetchFile(file.id).then((blob) => {
        if (blob) img.src = URL.createObjectURL(blob)
      })
      return img
    }
    const link = document.createElement('button')
    link.type = 'button'
    link.className = 'file'
    link.textContent = '📄 ' + file.name + '（' + Math.max(1, Math.round(file.size / 1024)) + ' KB）'
    link.addEventListener('click', async () => {
      const blob = await fetchFile(file.id)
      if (!blob) return
      const a = document.createElement('a')
      a.href = URL.createObjectURL(blob)
      a.download = file.name
      a.click()
      setTimeout(() => URL.revokeObjectURL(a.href), 60000)
    })
    return link
  }

  async function fetchFile(id) {
    try {
      const res = await fetch('/api/webchat/attachments/' + encodeURIComponent(id), { headers: { authorization: 'Bearer ' + token } })
      return res.ok ? await res.blob() : null
    } catch (_e) {
      return null
    }
  }

  function markReadUpTo(messageId) {
    const upTo = rowsById.get(messageId)
    if (!upTo) return
    for (const row of ui.messages.querySelectorAll('.msg.visitor')) {
      setState(row, '已读')
      if (row === upTo) break
    }
  }

  function scrollToEnd() {
    ui.messages.scrollTop = ui.messages.scrollHeight
  }

  /** The server's errors in the visitor's words. */
  function friendly(error) {
    switch (error && error.code) {
      case 'too_many_attempts':
        return '发送太频繁了，请稍后再试'
      case 'payload_too_large':
        return '文件不能超过 5 MB'
      case 'timeout':
      case 'offline':
        return '网络不稳定，请稍后再试'
      case 'conflict':
        return '会话状态已变化，请刷新后再试'
      case 'not_found':
        return '内容不存在或已失效'
      case 'unauthenticated':
        return '连接已过期，请刷新页面'
      case 'invalid_argument':
        // Upload refusals carry their own Chinese wording.
        return /[\u4e00-\u9fff]/.test(error.message || '') ? error.message : '内容格式不正确'
      default:
        return '操作失败，请稍后再试'
    }
  }

  function showHint(text) {
    ui.hint.textContent = text || ''
    if (text) setTimeout(() => { if (ui.hint.textContent === text) ui.hint.textContent = '' }, 5000)
  }

  let readTimer = null
  let reportedRead = null
  /** One report for a burst of replies (a history page holds many). */
  function reportRead() {
    if (readTimer) return
    readTimer = setTimeout(() => {
      readTimer = null
      if (!lastAgentMessageId || lastAgentMessageId === reportedRead || document.visibilityState !== 'visible' || !socket.connected) return
      reportedRead = lastAgentMessageId
      socket.emit('read', { upTo: lastAgentMessageId })
    }, 300)
  }
  document.addEventListener('visibilitychange', reportRead)

  // --- Status, leave a message, survey ---------------------------------------------------------

  function showStatus(status) {
    agentsAvailable = status.agentsAvailable
    const position = status.queuePosition
    ui.status.textContent = position === 1 ? '正在为您接通客服…' : position ? '排队中，您前面还有 ' + (position - 1) + ' 位' : agentsAvailable ? '客服在线' : '客服暂时不在线'
    ui.leaveOpen.hidden = agentsAvailable
    if (!agentsAvailable && !leaveOffered && ui.leaveDone.hidden) {
      leaveOffered = true
      ui.leaveForm.hidden = false
    }
  }

  ui.leaveOpen.addEventListener('click', () => {
    ui.leaveForm.hidden = false
    ui.leaveDone.hidden = true
  })
  ui.leaveCancel.addEventListener('click', () => {
    ui.leaveForm.hidden = true
  })
  ui.leaveSubmit.addEventListener('click', async () => {
    const name = ui.leaveName.value.trim()
    const phone = ui.leavePhone.value.trim()
    const email = ui.leaveEmail.value.trim()
    const text = ui.leaveText.value.trim()
    const error = !name ? '请填写您的称呼' : !phone && !email ? '请留下手机号码或电子邮箱' : !text ? '请描述您的问题' : ''
    ui.leaveError.hidden = !error
    ui.leaveError.textContent = error
    if (error) return
    ui.leaveSubmit.disabled = true
    const payload = { clientId: newClientId(), name, text }
    if (phone) payload.phone = phone
    if (email) payload.email = email
    const result = await request('leaveMessage', payload)
    ui.leaveSubmit.disabled = false
    if (!result.ok) {
      ui.leaveError.hidden = false
      ui.leaveError.textContent = result.error.code === 'invalid_argument' ? '请检查手机号码或邮箱的格式' : friendly(result.error)
      return
    }
    ui.leaveForm.hidden = true
    ui.leaveDone.hidden = false
    ui.leaveText.value = ''
  })

  function showSurvey(conversationId) {
    surveyConversationId = conversationId
    surveyRating = 0
    paintStars()
    ui.survey.hidden = false
    ui.surveyDone.hidden = true
    ui.surveySubmit.hidden = false
    ui.surveyComment.hidden = false
    scrollToEnd()
  }

  function paintStars() {
    for (const star of ui.survey.querySelectorAll('.star')) star.classList.toggle('on', Number(star.dataset.rating) <= surveyRating)
    ui.surveySubmit.disabled = surveyRating === 0
  }

  ui.survey.querySelectorAll('.star').forEach((star) => {
    star.addEventListener('click', () => {
      surveyRating = Number(star.dataset.rating)
      paintStars()
    })
  })
  ui.surveySubmit.addEventListener('click', async () => {
    if (!surveyConversationId || surveyRating === 0) return
    ui.surveySubmit.disabled = true
    const payload = { conversationId: surveyConversationId, rating: surveyRating }
    const comment = ui.surveyComment.value.trim()
    if (comment) payload.comment = comment
    const result = await request('rate', payload)
    if (!result.ok) {
      ui.surveySubmit.disabled = false
      showHint(friendly(result.error))
      return
    }
    ui.surveySubmit.hidden = true
    ui.surveyComment.hidden = true
    ui.surveyDone.hidden = false
    surveyConversationId = null
  })

  // --- Composer: Enter sends, but never while an IME is composing -------------------------------

  ui.input.addEventListener('compositionstart', () => {
    composing = true
  })
  ui.input.addEventListener('compositionend', () => {
    composing = false
  })
  ui.input.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.shiftKey) return
    // The Enter that confirms a 拼音 candidate belongs to the IME (keyCode 229 in some browsers).
    if (composing || event.isComposing || event.keyCode === 229) return
    event.preventDefault()
    sendText()
  })
  ui.send.addEventListener('click', sendText)
  ui.input.addEventListener('input', () => {
    if (!typingSent && socket.connected) {
      typingSent = true
      socket.emit('typing', { typing: true })
    }
    clearTimeout(typingTimer)
    typingTimer = setTimeout(stopTyping, 3000)
  })
  function stopTyping() {
    clearTimeout(typingTimer)
    if (typingSent && socket.connected) socket.emit('typing', { typing: false })
    typingSent = false
  }

  for (const emoji of EMOJI) {
    const button = document.createElement('button')
    button.type = 'button'
    button.textContent = emoji
    button.addEventListener('click', () => {
      const { selectionStart, selectionEnd, value } = ui.input
      ui.input.value = value.slice(0, selectionStart) + emoji + value.slice(selectionEnd)
      ui.input.selectionStart = ui.input.selectionEnd = selectionStart + emoji.length
      ui.input.focus()
    })
    ui.emojiPanel.appendChild(button)
  }
  ui.emojiButton.addEventListener('click', () => {
    ui.emojiPanel.hidden = !ui.emojiPanel.hidden
  })

  ui.fileButton.addEventListener('click', () => ui.fileInput.click())
  ui.fileInput.addEventListener('change', async () => {
    const file = ui.fileInput.files && ui.fileInput.files[0]
    ui.fileInput.value = ''
    if (!file) return
    if (UPLOAD_TYPES.indexOf(file.type) < 0) return showHint('只能发送图片（PNG、JPEG、GIF、WebP）或 PDF 文件')
    if (file.size > MAX_UPLOAD_BYTES) return showHint('文件不能超过 5 MB')
    if (!token) return showHint('正在连接，请稍后再试')
    showHint('')
    try {
      const res = await fetch('/api/webchat/upload?name=' + encodeURIComponent(file.name), {
        method: 'POST',
        headers: { 'content-type': file.type, authorization: 'Bearer ' + token },
        body: file,
      })
      const body = await res.json()
      if (!res.ok) return showHint(body.error ? friendly(body.error) : '上传失败')
      queue({ clientId: newClientId(), text: '', attachmentIds: [body.id], attachments: [body] })
    } catch (_e) {
      showHint('上传失败，请检查网络后重试')
    }
  })
})()
