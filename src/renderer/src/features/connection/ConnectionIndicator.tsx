import { useTranslation } from 'react-i18next'
import { useBridgeStatus } from '../../api/bridge-status'
import { useNow } from '../../lib/clock'
import { useConnectionStore } from './connection-store'

export function ConnectionIndicator() {
  const { t } = useTranslation()
  const reported = useConnectionStore((s) => s.connection)
  // With the web bridge down the last report is stale, and nothing the agent does gets through.
  const bridgeDown = useBridgeStatus((s) => s.phase !== 'ready')
  const connection = bridgeDown ? null : reported
  const status = connection?.status ?? 'offline'
  const details = [
    bridgeDown ? t('bridge.reconnecting') : null,
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
