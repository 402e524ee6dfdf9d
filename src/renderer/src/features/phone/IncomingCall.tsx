import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CallView } from '../../../../shared/domain/phone'
import type { InteractionView } from '../../../../shared/ipc/views'
import { getAgentApi } from '../../api/agent-api-client'
import { formatWhen } from '../../lib/format-time'
import { TierBadge } from '../customers/TierBadge'
import { phoneShortcuts } from './phone-shortcuts'
import { isPending, phone, usePhoneStore } from './phone-store'

const LAST_INTERACTIONS = 3

/** The customer's latest contacts across channels, from the local cache, for the screen pop. */
function useLastInteractions(customerId: string | null): InteractionView[] | null {
  const [found, setFound] = useState<{ id: string; items: InteractionView[] } | null>(null)
  useEffect(() => {
    if (!customerId) return
    let cancelled = false
    getAgentApi()
      .invoke('customers.get', { id: customerId })
      .then((card) => !cancelled && setFound({ id: customerId, items: card?.interactions.slice(0, LAST_INTERACTIONS) ?? [] }))
      .catch(() => !cancelled && setFound({ id: customerId, items: [] }))
    return () => {
      cancelled = true
    }
  }, [customerId])
  return customerId && found?.id === customerId ? found.items : null
}

/** 来电: who is calling (the screen pop, before answering), 接听 / 拒接. */
export function IncomingCall({ call }: { call: CallView }) {
  const { t } = useTranslation()
  const interactions = useLastInteractions(call.customer?.id ?? null)
  const answering = usePhoneStore((s) => isPending(s.pending, 'answer', call.id))
  const declining = usePhoneStore((s) => isPending(s.pending, 'decline', call.id))
  const titleId = `incoming-${call.id}-title`
  return (
    <section className="call-card call-card--incoming" role="alertdialog" aria-labelledby={titleId} data-testid="incoming-call" data-call-id={call.id}>
      <header className="call-card-header">
        <span className="call-card-badge call-card-badge--incoming" id={titleId}>
          {t('phone.incoming.title')}
        </span>
        <span className="call-card-number numeric" data-testid="incoming-number">
          {call.remoteNumber}
        </span>
      </header>
      {call.customer ? (
        <div className="screen-pop" data-testid="screen-pop" data-customer-id={call.customer.id}>
          <div className="screen-pop-who">
            <TierBadge tier={call.customer.tier} testId="screen-pop-tier" />
            <strong data-testid="screen-pop-name">{call.customer.name}</strong>
          </div>
          <h4 className="screen-pop-subtitle">{t('phone.incoming.lastInteractions')}</h4>
          {interactions === null ? (
            <p className="muted">…</p>
          ) : interactions.length === 0 ? (
            <p className="muted">{t('phone.incoming.noInteractions')}</p>
          ) : (
            <ul className="screen-pop-history" data-testid="screen-pop-history">
              {interactions.map((i) => (
                <li key={i.id} className="screen-pop-interaction">
                  <span className="muted">{formatWhen(i.at)}</span> <span>{t(`customers.channel.${i.channel}`)}</span> <span className="screen-pop-summary">{i.summary}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : (
        <p className="screen-pop screen-pop--unknown" data-testid="screen-pop-unknown">
          {call.remoteName ? `${call.remoteName} · ` : ''}
          {t('phone.incoming.notACustomer')}
        </p>
      )}
      <div className="call-card-actions">
        <button
          type="button"
          className="button button--primary call-answer"
          data-testid="call-answer"
          aria-keyshortcuts={`Control+Shift+${phoneShortcuts.answer}`}
          disabled={answering || declining}
          onClick={() => void phone.answer(call.id)}
        >
          {t('phone.incoming.answer')}
        </button>
        <button
          type="button"
          className="button button--danger call-decline"
          data-testid="call-decline"
          aria-keyshortcuts={`Control+Shift+${phoneShortcuts.hangup}`}
          disabled={answering || declining}
          onClick={() => void phone.decline(call.id)}
        >
          {t('phone.incoming.decline')}
        </button>
      </div>
    </section>
  )
}
