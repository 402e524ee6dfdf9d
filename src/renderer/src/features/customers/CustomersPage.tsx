import { useTranslation } from 'react-i18next'
import { EmptyStatePage } from '../shell/EmptyStatePage'

export function CustomersPage() {
  const { t } = useTranslation()
  return <EmptyStatePage testId="customers-page" title={t('customers.title')} emptyTitle={t('customers.emptyTitle')} emptyBody={t('customers.emptyBody')} />
}
