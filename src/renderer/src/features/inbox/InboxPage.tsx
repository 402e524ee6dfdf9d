import { useTranslation } from 'react-i18next'
import { EmptyStatePage } from '../shell/EmptyStatePage'

export function InboxPage() {
  const { t } = useTranslation()
  return <EmptyStatePage testId="inbox-page" title={t('inbox.title')} emptyTitle={t('inbox.emptyTitle')} emptyBody={t('inbox.emptyBody')} />
}
