import { useTranslation } from 'react-i18next'
import { showToast } from '../toast/toast-store'
import { phoneErrorText } from './phone-text'
import { isPending, phone, usePhoneStore } from './phone-store'

/** Click-to-call beside a phone number shown anywhere (customer card, customer panel). */
export function CallButton({ number, customerId }: { number: string; customerId?: string }) {
  const { t } = useTranslation()
  const registered = usePhoneStore((s) => s.snapshot?.registration.state === 'registered')
  const dialling = usePhoneStore((s) => isPending(s.pending, 'dial'))
  return (
    <button
      type="button"
      className="button button--small call-button"
      data-testid="call-number"
      data-number={number}
      aria-label={t('phone.callNumber', { number })}
      title={registered ? t('phone.callNumber', { number }) : t('phone.notRegistered')}
      disabled={!registered || dialling}
      onClick={() => {
        void phone.dial(number, customerId).then((result) => {
          if ('error' in result) showToast(phoneErrorText(t, 'dial', result.error), 'error')
        })
      }}
    >
      <span aria-hidden="true">☎</span> {t('phone.callAction')}
    </button>
  )
}
