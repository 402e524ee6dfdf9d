import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConversationRecord } from '../../../../shared/domain/conversations'
import type { ContactKind } from '../../../../shared/domain/contact-normalize'
import type { CustomerCard, CustomerSummary } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { ContactLabel } from '../customers/ContactIcon'
import { useCustomersStore } from '../customers/customers-store'
import { InteractionList } from '../customers/InteractionList'
import { TierBadge } from '../customers/TierBadge'
import { CallButton } from '../phone/CallButton'
import { useNavigation } from '../shell/navigation'
import { useConversationStore } from './conversation-store'

/**
 * Beside the conversation: the recognised customer with tier, contacts and the history across
 * channels, from the local cache; or, for an unknown sender, a search to link them to a customer.
 * Creating a customer is left to the server (there is no operation for it yet).
 */
export function CustomerPanel({ conversation }: { conversation: ConversationRecord }) {
  const { t } = useTranslation()
  return (
    <aside className="inbox-customer" data-testid="inbox-customer" data-customer-id={conversation.customerId ?? ''}>
      <h3 className="inbox-customer-title">{t('inbox.customer.title')}</h3>
      <dl className="inbox-identity">
        <dt>{t(`inbox.customer.identity.${conversation.identity.kind}`)}</dt>
        <dd data-testid="inbox-identity" data-kind={conversation.identity.kind}>
          {conversation.identity.displayName && conversation.identity.displayName !== conversation.identity.value ? `${conversation.identity.displayName} · ` : ''}
          {conversation.identity.value}
        </dd>
      </dl>
      {conversation.customerId ? (
        <KnownCustomer key={conversation.customerId} customerId={conversation.customerId} version={conversation.version} />
      ) : (
        <>
          <LinkCustomer key={conversation.id} />
          <CreateCustomer key={`create-${conversation.id}`} conversation={conversation} />
        </>
      )}
    </aside>
  )
}

/** Read again when the conversation changes (a sync may have brought the customer's new history). */
function KnownCustomer({ customerId, version }: { customerId: string; version: number }) {
  const { t } = useTranslation()
  const [card, setCard] = useState<CustomerCard | null | undefined>(undefined)

  useEffect(() => {
    let cancelled = false
    getAgentApi()
      .invoke('customers.get', { id: customerId })
      .then((c) => !cancelled && setCard(c))
      .catch((err: unknown) => {
        console.warn('Could not read the customer', toAppError(err))
        if (!cancelled) setCard(null)
      })
    return () => {
      cancelled = true
    }
  }, [customerId, version])

  if (card === undefined) return <p className="muted">…</p>
  if (card === null) return <p className="muted" data-testid="inbox-customer-missing">{t('inbox.customer.notCached')}</p>
  const { customer } = card
  return (
    <section className="inbox-customer-card" data-testid="inbox-customer-card" data-id={customer.id}>
      <header className="inbox-customer-head">
        <TierBadge tier={customer.tier} testId="inbox-customer-tier" />
        <strong data-testid="inbox-customer-name">{customer.name}</strong>
        {customer.company && customer.company !== customer.name && <span className="muted">{customer.company}</span>}
      </header>
      <ul className="contact-list">
        {customer.contacts.map((contact) => (
          <li key={contact.id} className="contact">
            <ContactLabel kind={contact.kind} />
            <span className="contact-value">{contact.value}</span>
            {contact.kind === 'phone' && <CallButton number={contact.value} customerId={customer.id} />}
          </li>
        ))}
      </ul>
      <button
        type="button"
        className="button button--small"
        data-testid="inbox-customer-open"
        onClick={() => {
          void useCustomersStore.getState().open(customer.id)
          useNavigation.getState().go('customers')
        }}
      >
        {t('inbox.customer.openCard')}
      </button>
      <h4 className="card-section-title">{t('inbox.customer.history')}</h4>
      <InteractionList interactions={card.interactions} />
    </section>
  )
}

function LinkCustomer() {
  const { t } = useTranslation()
  const act = useConversationStore((s) => s.act)
  const busy = useConversationStore((s) => s.busy)
  const [query, setQuery] = useState('')
  const [found, setFound] = useState<{ query: string; results: CustomerSummary[] }>({ query: '', results: [] })
  const trimmed = query.trim()
  const results = found.query === trimmed ? found.results : []
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    if (trimmed === '') return
    let cancelled = false
    const timer = setTimeout(() => {
      getAgentApi()
        .invoke('customers.search', { query: trimmed, limit: 10 })
        .then((r) => !cancelled && setFound({ query: trimmed, results: r }))
        .catch((err: unknown) => !cancelled && setError(errorText(t, toAppError(err))))
    }, 150)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [trimmed, t])

  return (
    <section className="inbox-link" data-testid="inbox-link-customer">
      <p className="muted">{t('inbox.customer.unknown')}</p>
      <h4 className="card-section-title">{t('inbox.customer.link')}</h4>
      <input className="search-input" data-testid="inbox-link-search" placeholder={t('inbox.customer.linkSearch')} value={query} onChange={(e) => setQuery(e.target.value)} />
      {error && <p className="inline-error">{error}</p>}
      {trimmed !== '' && found.query === trimmed && results.length === 0 && <p className="muted">{t('inbox.customer.linkNone')}</p>}
      <ul className="inbox-link-results">
        {results.map((c) => (
          <li key={c.id} className="inbox-link-result" data-testid="inbox-link-result" data-id={c.id}>
            <TierBadge tier={c.tier} testId="inbox-link-tier" />
            <span className="inbox-link-name">{c.name}</span>
            {c.contact && <span className="muted">{c.contact.value}</span>}
            <button type="button" className="button button--small" data-testid="inbox-link-pick" disabled={busy} onClick={() => void act({ type: 'linkCustomer', customerId: c.id })}>
              {t('inbox.customer.linkPick')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

const TIERS = ['基础', '银', '金', '钻', '1A', '2A', '3A', '4A', '5A'] as const

/** The channel identity as a contact of the new customer: a QQ number or an email address (a visitor id is not one). */
function identityContact(conversation: ConversationRecord): { kind: Extract<ContactKind, 'qq' | 'email'>; value: string } | null {
  const { kind, value } = conversation.identity
  return kind === 'qq' ? { kind: 'qq', value } : kind === 'email' ? { kind: 'email', value } : null
}

/** 新建客户: name, tier, and the sender's QQ number or email (plus a phone if the agent has one). */
function CreateCustomer({ conversation }: { conversation: ConversationRecord }) {
  const { t } = useTranslation()
  const [open, setOpen] = useState(false)
  const [name, setName] = useState(conversation.identity.displayName)
  const [tier, setTier] = useState<(typeof TIERS)[number]>('基础')
  // A callback item's caller number is the new customer's phone.
  const [phone, setPhone] = useState(conversation.identity.kind === 'phone' ? conversation.identity.value : '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const contact = identityContact(conversation)

  async function create() {
    setBusy(true)
    setError(null)
    try {
      const contacts = [...(contact ? [contact] : []), ...(phone.trim() ? [{ kind: 'phone' as const, value: phone.trim() }] : [])]
      await getAgentApi().invoke('inbox.createCustomer', { conversationId: conversation.id, name: name.trim(), tier, contacts })
      setOpen(false)
      void useConversationStore.getState().refresh()
    } catch (err) {
      setError(errorText(t, toAppError(err)))
    } finally {
      setBusy(false)
    }
  }

  if (!open) {
    return (
      <button type="button" className="button button--small" data-testid="inbox-create-customer" onClick={() => setOpen(true)}>
        {t('inbox.customer.create')}
      </button>
    )
  }
  return (
    <form
      className="inbox-create-form"
      data-testid="inbox-create-form"
      onSubmit={(e) => {
        e.preventDefault()
        if (name.trim() !== '') void create()
      }}
    >
      <h4 className="card-section-title">{t('inbox.customer.create')}</h4>
      <label className="field">
        <span className="field-label">{t('inbox.customer.name')}</span>
        <input className="search-input" data-testid="inbox-create-name" maxLength={200} value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span className="field-label">{t('inbox.customer.tier')}</span>
        <select className="search-input" data-testid="inbox-create-tier" value={tier} onChange={(e) => setTier(e.target.value as (typeof TIERS)[number])}>
          {TIERS.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>
      {contact && (
        <p className="muted">
          {t(`inbox.customer.identity.${contact.kind}`)}: {contact.value}
        </p>
      )}
      <label className="field">
        <span className="field-label">{t('inbox.customer.phone')}</span>
        <input className="search-input" data-testid="inbox-create-phone" inputMode="tel" maxLength={64} value={phone} onChange={(e) => setPhone(e.target.value)} />
      </label>
      {error && <p className="inline-error" data-testid="inbox-create-error">{error}</p>}
      <div className="inbox-dialog-actions">
        <button type="button" className="button button--small" onClick={() => setOpen(false)}>
          {t('inbox.cancel')}
        </button>
        <button type="submit" className="button button--small button--primary" data-testid="inbox-create-confirm" disabled={busy || name.trim() === ''}>
          {t('inbox.customer.createConfirm')}
        </button>
      </div>
    </form>
  )
}
