import { describe, it, expect } from 'vitest'
import {
  contentSecurityPolicy,
  devServerOrigin,
  externalUrlToOpen,
  isAppUrl,
  isPermissionAllowed,
  type AppOrigin,
} from '../../src/main/platform/security-policy'

const rendererFileUrl = 'file:///opt/omnidesk/resources/app.asar/out/renderer/index.html'
const production: AppOrigin = { rendererFileUrl, devServerUrl: null }
const development: AppOrigin = { rendererFileUrl, devServerUrl: 'http://localhost:5173/' }

describe('isAppUrl', () => {
  it('accepts the built renderer page, with or without a hash or query', () => {
    expect(isAppUrl(rendererFileUrl, production)).toBe(true)
    expect(isAppUrl(`${rendererFileUrl}#/inbox`, production)).toBe(true)
    expect(isAppUrl(`${rendererFileUrl}?lang=en`, production)).toBe(true)
  })

  it('accepts the same page however its path is spelt', () => {
    expect(isAppUrl('file:///opt/omnidesk/resources/app.asar/out/main/../renderer/index.html', production)).toBe(true)
    const spaced: AppOrigin = { rendererFileUrl: 'file:///C:/Program%20Files/座席/out/renderer/index.html' }
    expect(isAppUrl('file:///C:/Program Files/座席/out/renderer/index.html', spaced)).toBe(true)
    expect(isAppUrl('file:///C:/Program%20Files/%E5%BA%A7%E5%B8%AD/out/renderer/index.html', spaced)).toBe(true)
  })

  it('refuses any other file:// path', () => {
    expect(isAppUrl('file:///etc/passwd', production)).toBe(false)
    expect(isAppUrl('file:///opt/omnidesk/resources/app.asar/out/renderer/other.html', production)).toBe(false)
    expect(isAppUrl('file:///tmp/out/renderer/index.html', production)).toBe(false)
    expect(isAppUrl('file://evil-host/opt/omnidesk/resources/app.asar/out/renderer/index.html', production)).toBe(false)
    expect(isAppUrl('file:///opt/omnidesk/resources/app.asar/out/renderer/index.html%00', production)).toBe(false)
  })

  it('accepts the dev server origin only in development', () => {
    expect(isAppUrl('http://localhost:5173/', development)).toBe(true)
    expect(isAppUrl('http://localhost:5173/src/main.tsx?t=1', development)).toBe(true)
    expect(isAppUrl('http://localhost:5173/', production)).toBe(false)
  })

  it('refuses other ports, hosts and schemes of the dev server', () => {
    expect(isAppUrl('http://localhost:5174/', development)).toBe(false)
    expect(isAppUrl('https://localhost:5173/', development)).toBe(false)
    expect(isAppUrl('http://127.0.0.1:5173/', development)).toBe(false)
    expect(isAppUrl('http://localhost:5173.evil.example/', development)).toBe(false)
    expect(isAppUrl('ws://localhost:5173/', development)).toBe(false)
  })

  it('refuses foreign origins and special schemes', () => {
    for (const app of [production, development]) {
      expect(isAppUrl('http://evil.example/', app)).toBe(false)
      expect(isAppUrl('https://evil.example/index.html', app)).toBe(false)
      expect(isAppUrl('javascript:alert(1)', app)).toBe(false)
      expect(isAppUrl('data:text/html,<script>alert(1)</script>', app)).toBe(false)
      expect(isAppUrl('about:blank', app)).toBe(false)
      expect(isAppUrl('blob:http://localhost:5173/3f2a', app)).toBe(false)
      expect(isAppUrl('devtools://devtools/bundled/inspector.html', app)).toBe(false)
      expect(isAppUrl('', app)).toBe(false)
      expect(isAppUrl('not a url', app)).toBe(false)
    }
  })

  it('refuses everything when the configured page is not a file URL', () => {
    const broken: AppOrigin = { rendererFileUrl: 'http://evil.example/index.html' }
    expect(isAppUrl('http://evil.example/index.html', broken)).toBe(false)
    expect(isAppUrl('file:///index.html', broken)).toBe(false)
  })

  it('ignores a dev server URL that is not http(s)', () => {
    const odd: AppOrigin = { rendererFileUrl, devServerUrl: 'javascript:alert(1)' }
    expect(devServerOrigin(odd.devServerUrl)).toBeNull()
    expect(isAppUrl('javascript:alert(1)', odd)).toBe(false)
  })
})

describe('externalUrlToOpen', () => {
  it('opens http and https links', () => {
    expect(externalUrlToOpen('https://example.com/help?q=1')).toBe('https://example.com/help?q=1')
    expect(externalUrlToOpen('http://example.com')).toBe('http://example.com/')
  })

  it('never opens other schemes', () => {
    expect(externalUrlToOpen('file:///etc/passwd')).toBeNull()
    expect(externalUrlToOpen('javascript:alert(1)')).toBeNull()
    expect(externalUrlToOpen('data:text/html,hi')).toBeNull()
    expect(externalUrlToOpen('smb://server/share')).toBeNull()
    expect(externalUrlToOpen('ms-settings:privacy')).toBeNull()
    expect(externalUrlToOpen('about:blank')).toBeNull()
    expect(externalUrlToOpen('garbage')).toBeNull()
  })
})

describe('isPermissionAllowed', () => {
  it('grants media (the softphone microphone) to the app page', () => {
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: rendererFileUrl }, production)).toBe(true)
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: 'http://localhost:5173/' }, development)).toBe(true)
  })

  it('denies media to any other page', () => {
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: 'http://evil.example/' }, production)).toBe(false)
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: 'file:///tmp/x.html' }, production)).toBe(false)
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: '' }, production)).toBe(false)
  })

  it('denies every other permission, even to the app page', () => {
    for (const permission of [
      'geolocation',
      'notifications',
      'clipboard-read',
      'display-capture',
      'openExternal',
      'fullscreen',
      'midiSysex',
      'unknown',
    ]) {
      expect(isPermissionAllowed({ permission, requestingUrl: rendererFileUrl }, production)).toBe(false)
    }
  })
})

describe('contentSecurityPolicy', () => {
  it('is strict in production', () => {
    expect(contentSecurityPolicy(null)).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
    )
  })

  it('lets the dev server and its HMR socket in, in development', () => {
    const csp = contentSecurityPolicy('http://localhost:5173/')
    expect(csp).toContain("connect-src 'self' http://localhost:5173 ws://localhost:5173")
    expect(csp).toContain("script-src 'self' http://localhost:5173 'unsafe-inline'")
    expect(csp).toContain("default-src 'self';")
  })

  it('ignores a dev server URL that is not http(s)', () => {
    expect(contentSecurityPolicy('javascript:alert(1)')).toBe(contentSecurityPolicy(null))
  })
})
