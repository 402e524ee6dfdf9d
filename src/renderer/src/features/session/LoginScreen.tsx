import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppError } from '../../../../shared/errors'
import { toAppError } from '../../api/app-error'
import { errorText, secondsToWait } from '../../i18n/error-text'
import { useNow } from '../../lib/clock'
import { LanguageSwitch } from '../settings/LanguageSwitch'
import { useSessionStore } from './session-store'

interface LoginFailure {
  error: AppError
  at: number
}

export function LoginScreen() {
  const { t } = useTranslation()
  const login = useSessionStore((s) => s.login)
  // The server last used wins over the configured default: it is the one that worked.
  const suggestedServer = useSessionStore((s) => s.snapshot?.connection.serverUrl ?? s.appInfo?.defaultServerUrl ?? '')
  /** null until the agent edits the field, so a suggestion arriving late still fills it. */
  const [editedServer, setServerUrl] = useState<string | null>(null)
  const serverUrl = editedServer ?? suggestedServer
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [submitting, setSubmitting] = useState(false)
  const [failure, setFailure] = useState<LoginFailure | null>(null)

  async function submit(event: FormEvent) {
    event.preventDefault()
    setSubmitting(true)
    setFailure(null)
    try {
      await login({ serverUrl: serverUrl.trim(), username: username.trim(), password })
    } catch (err) {
      setFailure({ error: toAppError(err), at: Date.now() })
      setPassword('')
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <div className="login-page">
      <div className="login-lang">
        <LanguageSwitch />
      </div>
      <form className="login-card" onSubmit={(event) => void submit(event)} noValidate>
        <h1 className="login-title">{t('app.name')}</h1>
        <p className="login-subtitle">
          {t('login.title')} · {t('login.subtitle')}
        </p>
        <label className="field">
          <span className="field-label">{t('login.server')}</span>
          <input
            data-testid="login-server"
            type="url"
            inputMode="url"
            autoComplete="url"
            spellCheck={false}
            placeholder={t('login.serverPlaceholder')}
            value={serverUrl}
            onChange={(event) => setServerUrl(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('login.username')}</span>
          <input
            data-testid="login-username"
            autoComplete="username"
            spellCheck={false}
            autoFocus
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span className="field-label">{t('login.password')}</span>
          <input
            data-testid="login-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        {failure && <LoginError failure={failure} />}
        <button type="submit" className="button button--primary button--block" data-testid="login-submit" disabled={submitting}>
          {submitting ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  )
}

function LoginError({ failure }: { failure: LoginFailure }) {
  const { t } = useTranslation()
  return (
    <p className="form-error" data-testid="login-error" data-code={failure.error.code} role="alert">
      {failure.error.code === 'too_many_attempts' ? <WaitCountdown failure={failure} /> : errorText(t, failure.error)}
    </p>
  )
}

/** Counts down the wait a too_many_attempts answer asks for, so the agent knows when to retry. */
function WaitCountdown({ failure }: { failure: LoginFailure }) {
  const { t } = useTranslation()
  const now = useNow()
  return <>{errorText(t, failure.error, { secondsToWait: secondsToWait(failure.error, failure.at, now) })}</>
}
