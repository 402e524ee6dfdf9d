import { cloneElement, useState, type ReactElement } from 'react'
import { useTranslation } from 'react-i18next'
import type { IceServer, SipAccountView } from '../../../../shared/domain/phone'
import { AudioDevicePicker } from './AudioDevicePicker'
import { phoneErrorText, registrationText } from './phone-text'
import { isPending, phone, usePhoneStore } from './phone-store'
import './phone.css'

/** One ICE server a line: `turn:turn.example.com:3478 username credential` (STUN needs only the URL). */
export function parseIceServers(text: string): IceServer[] | null {
  const servers: IceServer[] = []
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/).filter(Boolean)
    if (parts.length === 0) continue
    const [urls, username, credential] = parts
    if (!urls || !/^(stuns?|turns?):/i.test(urls) || parts.length > 3) return null
    servers.push({ urls, ...(username ? { username } : {}), ...(credential ? { credential } : {}) })
  }
  return servers
}

function formatIceServers(servers: readonly IceServer[]): string {
  return servers
    .flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).map((url) => [url, s.username, s.credential].filter(Boolean).join(' ')))
    .join('\n')
}

/** 话机设置 on the settings page: the SIP account (the password is never shown back) and audio devices. */
export function PhoneSettings() {
  const { t } = useTranslation()
  const snapshot = usePhoneStore((s) => s.snapshot)
  return (
    <>
      <fieldset className="settings-group phone-settings" data-testid="phone-settings">
        <legend>{t('phone.settings.title')}</legend>
        {snapshot ? <SipAccountForm key={snapshot.account?.sipUri ?? 'new'} account={snapshot.account} /> : <p className="muted">{t('phone.settings.loading')}</p>}
        {snapshot && (
          <p className="phone-settings-registration" data-testid="phone-settings-registration" data-state={snapshot.registration.state} role="status">
            {t('phone.settings.registration')} <strong>{registrationText(t, snapshot.registration)}</strong>
          </p>
        )}
      </fieldset>
      <fieldset className="settings-group">
        <legend>{t('phone.devices.title')}</legend>
        <AudioDevicePicker idPrefix="settings-audio" />
      </fieldset>
    </>
  )
}

function SipAccountForm({ account }: { account: SipAccountView | null }) {
  const { t } = useTranslation()
  const [wsUrl, setWsUrl] = useState(account?.wsUrl ?? '')
  const [sipUri, setSipUri] = useState(account?.sipUri ?? '')
  const [authUser, setAuthUser] = useState(account?.authUser ?? '')
  const [password, setPassword] = useState('')
  const [displayName, setDisplayName] = useState(account?.displayName ?? '')
  const [ice, setIce] = useState(formatIceServers(account?.iceServers ?? []))
  const [autoAnswer, setAutoAnswer] = useState(account?.autoAnswer ?? false)
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const saving = usePhoneStore((s) => isPending(s.pending, 'configure'))

  const save = async () => {
    setError(null)
    setSaved(false)
    const iceServers = parseIceServers(ice)
    if (!iceServers) {
      setError(t('phone.settings.badIce'))
      return
    }
    if (!account?.hasPassword && password === '') {
      setError(t('phone.settings.passwordNeeded'))
      return
    }
    const result = await phone.configure({
      wsUrl: wsUrl.trim(),
      sipUri: sipUri.trim(),
      ...(authUser.trim() ? { authUser: authUser.trim() } : {}),
      ...(password ? { password } : {}),
      ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
      iceServers,
      autoAnswer,
    })
    if ('error' in result) setError(phoneErrorText(t, 'configure', result.error))
    else {
      setPassword('')
      setSaved(true)
    }
  }

  // The hint sits outside the label, so a field's accessible name is its label alone.
  const field = (id: string, label: string, input: ReactElement<{ 'aria-describedby'?: string }>, hint?: string) => (
    <div className="field phone-settings-field">
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {hint ? cloneElement(input, { 'aria-describedby': `${id}-hint` }) : input}
      {hint && (
        <span className="muted phone-settings-hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
    </div>
  )

  return (
    <form
      className="phone-settings-form"
      aria-label={t('phone.settings.title')}
      onSubmit={(e) => {
        e.preventDefault()
        void save()
      }}
    >
      {field(
        'sip-ws-url',
        t('phone.settings.wsUrl'),
        <input id="sip-ws-url" className="search-input" data-testid="sip-ws-url" value={wsUrl} placeholder="wss://sip.example.com:8443" onChange={(e) => setWsUrl(e.target.value)} required />,
      )}
      {field(
        'sip-uri',
        t('phone.settings.sipUri'),
        <input id="sip-uri" className="search-input" data-testid="sip-uri" value={sipUri} placeholder="sip:8001@example.com" onChange={(e) => setSipUri(e.target.value)} required />,
      )}
      {field(
        'sip-auth-user',
        t('phone.settings.authUser'),
        <input id="sip-auth-user" className="search-input" data-testid="sip-auth-user" value={authUser} onChange={(e) => setAuthUser(e.target.value)} />,
        t('phone.settings.authUserHint'),
      )}
      {field(
        'sip-password',
        t('phone.settings.password'),
        <input
          id="sip-password"
          type="password"
          className="search-input"
          data-testid="sip-password"
          autoComplete="new-password"
          value={password}
          placeholder={account?.hasPassword ? t('phone.settings.passwordKept') : ''}
          onChange={(e) => setPassword(e.target.value)}
        />,
        t('phone.settings.passwordHint'),
      )}
      {field(
        'sip-display-name',
        t('phone.settings.displayName'),
        <input id="sip-display-name" className="search-input" data-testid="sip-display-name" value={displayName} maxLength={64} onChange={(e) => setDisplayName(e.target.value)} />,
      )}
      {field(
        'sip-ice',
        t('phone.settings.iceServers'),
        <textarea id="sip-ice" className="textarea" data-testid="sip-ice" rows={2} value={ice} placeholder="turn:turn.example.com:3478 user secret" onChange={(e) => setIce(e.target.value)} />,
        t('phone.settings.iceHint'),
      )}
      <label className="checkbox-field">
        <input type="checkbox" data-testid="sip-auto-answer" checked={autoAnswer} onChange={(e) => setAutoAnswer(e.target.checked)} />
        {t('phone.settings.autoAnswer')}
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="sip-error">
          {error}
        </p>
      )}
      <div className="phone-settings-actions">
        <button type="submit" className="button button--primary" data-testid="sip-save" disabled={saving}>
          {saving ? t('phone.settings.saving') : t('phone.settings.save')}
        </button>
        {saved && (
          <span className="muted" role="status" data-testid="sip-saved">
            {t('phone.settings.saved')}
          </span>
        )}
      </div>
    </form>
  )
}
