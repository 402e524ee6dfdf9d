import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { CallRecord } from '../../../../shared/domain/phone'
import { getAgentApi } from '../../api/agent-api-client'
import { formatDuration } from '../../lib/format-duration'
import { formatDateTime } from '../../lib/format-time'
import { showToast } from '../toast/toast-store'
import { phoneErrorText } from './phone-text'
import { isPending, phone, usePhoneStore } from './phone-store'

/** Names of the customers in the log, read from the local cache once each. */
function useCustomerNames(ids: readonly string[]): Record<string, string> {
  const [names, setNames] = useState<Record<string, string>>({})
  const missing = ids.filter((id) => !(id in names))
  const key = [...new Set(missing)].sort().join(',')
  useEffect(() => {
    if (key === '') return
    let cancelled = false
    void Promise.all(
      key.split(',').map(async (id) => {
        const card = await getAgentApi()
          .invoke('customers.get', { id })
          .catch(() => null)
        return [id, card?.customer.name ?? ''] as const
      }),
    ).then((found) => {
      if (!cancelled) setNames((n) => ({ ...n, ...Object.fromEntries(found) }))
    })
    return () => {
      cancelled = true
    }
  }, [key])
  return names
}

function directionKey(record: CallRecord): 'missed' | 'inbound' | 'outbound' {
  return record.missed ? 'missed' : record.direction
}

/** 通话记录: newest first, from the local cache; each can be called back. */
export function CallLog() {
  const { t } = useTranslation()
  const log = usePhoneStore((s) => s.callLog)
  const loaded = usePhoneStore((s) => s.callLogLoaded)
  const registered = usePhoneStore((s) => s.snapshot?.registration.state === 'registered')
  const dialling = usePhoneStore((s) => isPending(s.pending, 'dial'))
  const names = useCustomerNames(log.flatMap((r) => (r.customerId ? [r.customerId] : [])))

  return (
    <section className="call-log" aria-labelledby="call-log-title" data-testid="call-log">
      <h3 className="card-section-title" id="call-log-title">
        {t('phone.log.title')}
      </h3>
      {!loaded && <p className="list-placeholder">{t('phone.log.loading')}</p>}
      {loaded && log.length === 0 && <p className="muted">{t('phone.log.empty')}</p>}
      <ol className="call-log-list">
        {log.map((record) => {
          const kind = directionKey(record)
          const name = record.customerId ? names[record.customerId] : undefined
          return (
            <li
              key={record.id}
              className={`call-log-row call-log-row--${kind}`}
              data-testid="call-log-row"
              data-id={record.id}
              data-direction={record.direction}
              data-missed={record.missed}
              data-number={record.remoteNumber}
              data-customer-id={record.customerId ?? ''}
            >
              <span className={`call-log-kind call-log-kind--${kind}`}>{t(`phone.log.kind.${kind}`)}</span>
              <span className="call-log-party">
                {name && <strong className="call-log-name">{name}</strong>}
                <span className="call-log-number numeric">{record.remoteNumber}</span>
              </span>
              <span className="call-log-time muted">{formatDateTime(record.offeredAt)}</span>
              <span className="call-log-duration numeric">{record.answeredAt ? formatDuration(record.durationSec * 1000) : '—'}</span>
              <span className="call-log-detail muted">
                {record.transferredTo ? t('phone.log.transferredTo', { target: record.transferredTo }) : record.disposition ? t('phone.log.disposition', { code: record.disposition }) : ''}
              </span>
              <button
                type="button"
                className="button button--small"
                data-testid="call-log-redial"
                aria-label={t('phone.log.redial', { number: record.remoteNumber })}
                disabled={!registered || dialling}
                onClick={() => {
                  void phone.dial(record.remoteNumber, record.customerId ?? undefined).then((result) => {
                    if ('error' in result) showToast(phoneErrorText(t, 'dial', result.error), 'error')
                  })
                }}
              >
                {t('phone.log.redialShort')}
              </button>
            </li>
          )
        })}
      </ol>
    </section>
  )
}
