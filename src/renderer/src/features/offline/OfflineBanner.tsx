import { useTranslation } from 'react-i18next'
import { useBridgeStatus } from '../../api/bridge-status'
import { useConnectionStore } from '../connection/connection-store'

/**
 * The central server cannot be reached: the agent keeps working on the local cache and the
 * outbox sends everything later. (With the web bridge itself down, the bridge banner shows
 * instead: then nothing reaches even the local service.)
 */
export function OfflineBanner() {
  const { t } = useTranslation()
  const status = useConnectionStore((s) => s.connection?.status ?? null)
  const bridgeReady = useBridgeStatus((s) => s.phase === 'ready')
  if (!bridgeReady || (status !== 'offline' && status !== 'reconnecting')) return null
  return (
    <div className="banner banner--offline" data-testid="offline-banner" data-status={status} role="status">
      <span className="banner-icon" aria-hidden="true" />
      {t('offline.banner')}
    </div>
  )
}
