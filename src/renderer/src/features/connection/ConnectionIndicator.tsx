import { useTranslation } from 'react-i18next'
import { useNow } from '../../lib/clock'
import { useConnectionStore } from './connection-store'

export function ConnectionIndicator() {
  const { t } = useTranslation()
  const connection = useConnectionStore((s) => s.connection)
  const status = connection?.status ?? 'offline'
  const details = [
    connection?.serverUrl ? t('connection.server', { url: connection.serverUrl }) : null,
    connection?.lastError ? t('connection.lastError', { error: connection.lastError }) : null,
  ].filter((line) => line !== null)

  return (
    <div className={`connection connection--${status}`} data-testid="connection-status" data-status={status} title={details.join('\n') || undefined} role="status">
      <span className="status-dot" aria-hidden="true" />
      {connection?.status === 'reconnecting' && connection.nextRetryAt !== null ? (
        <RetryCountdown nextRetryAt={connection.nextRetryAt} />
      ) : (
        <span>{t(`connection.${status}`)}</span>
      )}
    </div>
  )
}

/** Split out so that only a reconnecting indicator re-renders every second. */
function RetryCountdown({ nextRetryAt }: { nextRetryAt: number }) {
  const { t } = useTranslation()
  const now = useNow()
  const seconds = Math.max(0, Math.ceil((nextRetryAt - now) / 1000))
  return <span>{seconds > 0 ? t('connection.reconnectingIn', { seconds }) : t('connection.reconnecting')}</span>
}
