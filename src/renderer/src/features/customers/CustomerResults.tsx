import { useTranslation } from 'react-i18next'
import type { CustomerSummary } from '../../../../shared/ipc/views'
import { errorText } from '../../i18n/error-text'
import { ContactLabel } from './ContactIcon'
import { useCustomersStore } from './customers-store'
import { TierBadge } from './TierBadge'

export function CustomerResults() {
  const { t } = useTranslation()
  const results = useCustomersStore((s) => s.results)
  const searchState = useCustomersStore((s) => s.searchState)
  const searchError = useCustomersStore((s) => s.searchError)
  const selectedId = useCustomersStore((s) => s.selectedId)

  return (
    <div className={`customer-results${searchState === 'loading' ? ' is-loading' : ''}`}>
      {searchState === 'idle' && <p className="list-placeholder muted">{t('customers.startHint')}</p>}
      {searchState === 'loading' && results.length === 0 && <p className="list-placeholder">{t('customers.searching')}</p>}
      {searchState === 'failed' && searchError && (
        <p className="form-error" data-testid="customer-error" data-code={searchError.code} role="alert">
          {t('customers.searchFailed', { error: errorText(t, searchError) })}
        </p>
      )}
      {searchState === 'loaded' && results.length === 0 && (
        <p className="list-placeholder" data-testid="customer-no-results">
          {t('customers.noResults')}
        </p>
      )}
      {searchState !== 'idle' && results.length > 0 && (
        <ul className="customer-result-list" aria-label={t('customers.resultsLabel')}>
          {results.map((customer) => (
            <CustomerResult key={customer.id} customer={customer} selected={customer.id === selectedId} />
          ))}
        </ul>
      )}
    </div>
  )
}

function CustomerResult({ customer, selected }: { customer: CustomerSummary; selected: boolean }) {
  const { t } = useTranslation()
  const open = useCustomersStore((s) => s.open)
  return (
    <li>
      <button type="button" className={`customer-result${selected ? ' is-selected' : ''}`} data-testid="customer-result" data-id={customer.id} aria-current={selected} onClick={() => void open(customer.id)}>
        <TierBadge tier={customer.tier} testId="customer-result-tier" />
        <span className="customer-result-main">
          <span className="customer-result-name">{customer.name}</span>
          <span className="customer-result-sub">
            {[t(`customers.kind.${customer.kind}`), customer.company === customer.name ? null : customer.company, customer.city].filter((part) => part !== null && part !== '').join(' · ')}
          </span>
        </span>
        {customer.contact && (
          <span className="customer-result-contact" data-testid="customer-result-contact" data-kind={customer.contact.kind}>
            <ContactLabel kind={customer.contact.kind} />
            <span className="contact-value">{customer.contact.value}</span>
          </span>
        )}
      </button>
    </li>
  )
}
