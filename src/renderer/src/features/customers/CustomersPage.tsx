import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { SearchInput } from '../../components/SearchInput'
import { CustomerPane } from './CustomerCardView'
import { CustomerResults } from './CustomerResults'
import { useCustomersStore } from './customers-store'

/** 客户: one search box for name, company, phone (any format), email and QQ; the customer card. */
export function CustomersPage() {
  const { t } = useTranslation()
  const query = useCustomersStore((s) => s.query)
  const setQuery = useCustomersStore((s) => s.setQuery)
  const setVisible = useCustomersStore((s) => s.setVisible)
  const open = useCustomersStore((s) => s.open)

  useEffect(() => {
    setVisible(true)
    return () => setVisible(false)
  }, [setVisible])

  return (
    <section className="page customers-page" data-testid="customers-page">
      <header className="page-header">
        <h2 className="page-title">{t('customers.title')}</h2>
        <div className="page-search">
          <SearchInput
            initial={query}
            onSearch={(q) => void setQuery(q)}
            testId="customer-search"
            label={t('customers.searchLabel')}
            placeholder={t('customers.searchPlaceholder')}
            autoFocus
            onKeyDown={(event) => {
              // Enter on the results of what is typed opens the best match.
              const first = useCustomersStore.getState().results[0]
              if (event.key === 'Enter' && first) void open(first.id)
            }}
          />
        </div>
      </header>
      <div className="customers-layout">
        <CustomerResults />
        <CustomerPane />
      </div>
    </section>
  )
}
