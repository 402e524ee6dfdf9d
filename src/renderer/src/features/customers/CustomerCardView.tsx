import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CustomerCard } from '../../../../shared/ipc/views'
import { errorText } from '../../i18n/error-text'
import { DeliveryState } from '../offline/DeliveryState'
import { CallButton } from '../phone/CallButton'
import { ContactLabel } from './ContactIcon'
import { CustomerEditForm } from './CustomerEditForm'
import { useCustomersStore } from './customers-store'
import { InteractionList } from './InteractionList'
import { NoteComposer } from './NoteComposer'
import { TierBadge } from './TierBadge'

export function CustomerPane() {
  const { t } = useTranslation()
  const selectedId = useCustomersStore((s) => s.selectedId)
  const card = useCustomersStore((s) => s.card)
  const state = useCustomersStore((s) => s.cardState)
  const error = useCustomersStore((s) => s.cardError)
  const open = useCustomersStore((s) => s.open)

  if (selectedId === null) {
    return (
      <div className="customer-pane customer-pane--empty">
        <p className="muted">{t('customers.pickCustomer')}</p>
      </div>
    )
  }
  return (
    <div className="customer-pane">
      {state === 'loading' && !card && <p className="list-placeholder">{t('customers.loading')}</p>}
      {state === 'missing' && (
        <p className="list-placeholder" data-testid="customer-missing">
          {t('customers.missing')}
        </p>
      )}
      {state === 'failed' && error && (
        <div className="form-error" role="alert">
          {t('customers.loadFailed', { error: errorText(t, error) })}{' '}
          <button type="button" className="button button--small" onClick={() => void open(selectedId)}>
            {t('app.retry')}
          </button>
        </div>
      )}
      {card && <CustomerCardView key={card.customer.id} card={card} />}
    </div>
  )
}

function CustomerCardView({ card }: { card: CustomerCard }) {
  const { t } = useTranslation()
  const { customer } = card
  const [editing, setEditing] = useState(false)

  return (
    <section className="customer-card" data-testid="customer-card" data-id={customer.id} data-version={customer.version}>
      <header className="customer-card-header">
        <TierBadge tier={customer.tier} testId="customer-tier" />
        <div className="customer-card-title">
          <h3 className="customer-name" data-testid="customer-name">
            {customer.name}
          </h3>
          <p className="customer-card-sub">
            <span className="kind-badge">{t(`customers.kind.${customer.kind}`)}</span>
            {customer.company && customer.company !== customer.name && <span data-testid="customer-company">{customer.company}</span>}
            {customer.city && <span data-testid="customer-city">{customer.city}</span>}
          </p>
        </div>
        {card.pendingUpdate && (
          <DeliveryState delivery={card.pendingUpdate} testId="customer-pending-update" label={(state) => t('customers.pendingUpdate', { state })} />
        )}
        {!editing && (
          <button type="button" className="button button--small customer-card-action" data-testid="customer-edit" onClick={() => setEditing(true)}>
            {t('customers.edit')}
          </button>
        )}
      </header>

      {editing ? (
        <CustomerEditForm customer={customer} onDone={() => setEditing(false)} />
      ) : (
        <dl className="customer-facts">
          <dt>{t('customers.fields.contacts')}</dt>
          <dd>
            {customer.contacts.length === 0 ? (
              <span className="muted">{t('customers.none')}</span>
            ) : (
              <ul className="contact-list">
                {customer.contacts.map((contact) => (
                  <li key={contact.id} className="contact" data-testid="customer-contact" data-kind={contact.kind} data-normalized={contact.normalized}>
                    <ContactLabel kind={contact.kind} />
                    <span className="contact-value">{contact.value}</span>
                    {contact.kind === 'phone' && <CallButton number={contact.value} customerId={customer.id} />}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>{t('customers.fields.tags')}</dt>
          <dd>
            {customer.tags.length === 0 ? (
              <span className="muted">{t('customers.none')}</span>
            ) : (
              <span className="tag-cloud" data-testid="customer-tags">
                {customer.tags.map((tag) => (
                  <span key={tag} className="tag tag--static">
                    {tag}
                  </span>
                ))}
              </span>
            )}
          </dd>
          <dt>{t('customers.fields.notes')}</dt>
          <dd className="customer-notes" data-testid="customer-notes">
            {customer.notes.trim() === '' ? <span className="muted">{t('customers.none')}</span> : customer.notes}
          </dd>
        </dl>
      )}

      <section className="card-section">
        <h4 className="card-section-title">{t('customers.addNote')}</h4>
        <NoteComposer customerId={customer.id} />
      </section>
      <section className="card-section">
        <h4 className="card-section-title">{t('customers.history')}</h4>
        <InteractionList interactions={card.interactions} />
      </section>
    </section>
  )
}
