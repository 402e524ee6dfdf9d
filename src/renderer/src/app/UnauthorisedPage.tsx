import { useTranslation } from 'react-i18next'
import type { BridgeRefusal } from '../api/bridge-status'
import { LanguageSwitch } from '../features/settings/LanguageSwitch'

export function UnauthorisedPage({ refusal }: { refusal: BridgeRefusal | null }) {
  const { t } = useTranslation()
  return (
    <div className="center-page" data-testid="unauthorised-page" data-refusal={refusal ?? ''}>
      <div className="center-card">
        <div className="center-card-mark center-card-mark--lock" aria-hidden="true" />
        <h1>{t('unauthorised.title')}</h1>
        {refusal === 'bad_origin' && <p>{t('unauthorised.badOrigin')}</p>}
        {refusal === 'missing_secret' && <p>{t('unauthorised.missingSecret')}</p>}
        <p>{t('unauthorised.body')}</p>
        <LanguageSwitch />
      </div>
    </div>
  )
}
