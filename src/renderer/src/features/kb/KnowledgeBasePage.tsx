import { useTranslation } from 'react-i18next'
import { EmptyStatePage } from '../shell/EmptyStatePage'

export function KnowledgeBasePage() {
  const { t } = useTranslation()
  return <EmptyStatePage testId="kb-page" title={t('kb.title')} emptyTitle={t('kb.emptyTitle')} emptyBody={t('kb.emptyBody')} />
}
