import { useDial } from './use-dial'

/** Click-to-call beside a phone number shown anywhere (customer card, customer panel). */
export function CallButton({ number, customerId }: { number: string; customerId?: string }) {
  const { t, registered, dialling, dial } = useDial()
  return (
    <button
      type="button"
      className="button button--small call-button"
      data-testid="call-number"
      data-number={number}
      aria-label={t('phone.callNumber', { number })}
      title={registered ? t('phone.callNumber', { number }) : t('phone.notRegistered')}
      disabled={!registered || dialling}
      onClick={() => dial(number, customerId)}
    >
      <span aria-hidden="true">☎</span> {t('phone.callAction')}
    </button>
  )
}
