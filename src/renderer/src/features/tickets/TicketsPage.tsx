import { useTranslation } from 'react-i18next'
import { EmptyStatePage } from '../shell/EmptyStatePage'

export function TicketsPage() {
  const { t } = useTranslation()
  return <EmptyStatePage testId="tickets-page" title={t('tickets.title')} emptyTitle={t('tickets.emptyTitle')} emptyBody={t('tickets.emptyBody')} />
}
