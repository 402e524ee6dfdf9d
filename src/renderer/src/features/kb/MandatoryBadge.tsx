import { useTranslation } from 'react-i18next'

/** 规章: an article every agent must sign for. */
export function MandatoryBadge() {
  const { t } = useTranslation()
  return <span className="mandatory-badge">{t('kb.mandatory')}</span>
}
