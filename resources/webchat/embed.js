/* global document, window, location, URL */
/**
 * The one-line embed for a company website:
 *   <script src="https://<central server>/chat/embed.js" data-site="demo" async></script>
 * adds a floating 在线客服 button that opens the chat page of this server in an iframe.
 */
;(function () {
  'use strict'
  var script = document.currentScript
  if (!script || window.__omnideskChat) return
  window.__omnideskChat = true
  var origin = new URL(script.src).origin
  var site = script.getAttribute('data-site') || ''
  var src = origin + '/chat?site=' + encodeURIComponent(site) + '&page=' + encodeURIComponent(location.href.slice(0, 500))

  var button = document.createElement('button')
  button.type = 'button'
  button.textContent = '在线客服'
  button.setAttribute('aria-label', '打开在线客服')
  button.style.cssText = 'position:fixed;right:20px;bottom:20px;z-index:2147483646;padding:12px 18px;border:0;border-radius:24px;background:#1f6feb;color:#fff;font-size:15px;box-shadow:0 4px 12px rgba(0,0,0,.2);cursor:pointer'

  var frame = null
  button.addEventListener('click', function () {
    if (!frame) {
      frame = document.createElement('iframe')
      frame.src = src
      frame.title = '在线客服'
      frame.style.cssText = 'position:fixed;right:20px;bottom:76px;z-index:2147483647;width:min(380px,calc(100vw - 40px));height:min(560px,calc(100vh - 100px));border:0;border-radius:12px;box-shadow:0 8px 24px rgba(0,0,0,.25);background:#fff'
      document.body.appendChild(frame)
      return
    }
    frame.style.display = frame.style.display === 'none' ? 'block' : 'none'
  })
  if (document.body) document.body.appendChild(button)
  else document.addEventListener('DOMContentLoaded', function () { document.body.appendChild(button) })
})()
