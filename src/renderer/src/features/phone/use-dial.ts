import { useTranslation } from 'react-i18next'
import { showToast } from '../toast/toast-store'
import { phoneErrorText } from './phone-text'
import { isPending, phone, usePhoneStore } from './phone-store'

/** Click-to-call anywhere a number is shown: whether it can dial now, and dialling with the failure said in words. */
export function useDial() {
  const { t } = useTranslation()
  const registered = usePhoneStore((s) => s.snapshot?.registration.state === 'registered')
  const dialling = usePhoneStore((s) => isPending(s.pending, 'dial'))
  const dial = (number: string, customerId?: string) => {
    if (!registered) return showToast(t('phone.notRegistered'), 'error')
    void phone.dial(number, customerId).then((result) => {
      if ('error' in result) showToast(phoneErrorText(t, 'dial', result.error), 'error')
    })
  }
  return { t, registered, dialling, dial }
}
