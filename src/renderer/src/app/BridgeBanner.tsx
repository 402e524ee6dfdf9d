import { useTranslation } from 'react-i18next'
import { useBridgeStatus } from '../api/bridge-status'

/** Web mode only: the page lost its own host, so everything else on screen may be stale. */
export function BridgeBanner() {
  const { t } = useTranslation()
  const reconnecting = useBridgeStatus((s) => s.phase === 'reconnecting')
  if (!reconnecting) return null
  return (
    <div className="banner banner--danger" data-testid="bridge-banner" role="alert">
      {t('bridge.reconnecting')}
    </div>
  )
}
