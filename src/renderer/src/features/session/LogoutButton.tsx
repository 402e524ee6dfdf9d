import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppError } from '../../../../shared/errors'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { useSessionStore } from './session-store'

export function LogoutButton() {
  const { t } = useTranslation()
  const logout = useSessionStore((s) => s.logout)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)

  async function run() {
    setBusy(true)
    setError(null)
    try {
      await logout()
    } catch (err) {
      setError(toAppError(err))
      setBusy(false)
    }
  }

  return (
    <>
      {error && (
        <span className="inline-error" data-testid="logout-error" role="alert">
          {errorText(t, error)}
        </span>
      )}
      <button type="button" className="button button--ghost button--small" data-testid="logout" onClick={() => void run()} disabled={busy}>
        {busy ? t('shell.loggingOut') : t('shell.logout')}
      </button>
    </>
  )
}
