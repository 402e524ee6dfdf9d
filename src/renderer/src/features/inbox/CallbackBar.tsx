import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ConversationRecord } from '../../../../shared/domain/conversations'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { showToast } from '../toast/toast-store'

/** 13800138000 → "138 0013 8000", as the missed-call lines write it. */
function spaced(number: string): string {
  return /^1\d{10}$/.test(number) ? `${number.slice(0, 3)} ${number.slice(3, 7)} ${number.slice(7)}` : number
}

/**
 * A missed-call item (channel 'phone') is answered by calling back, not by a message: this takes
 * the reply composer's place (private notes stay possible). The phone dials through main; the
 * agent resolves the item like any conversation once the customer is reached.
 */
export function CallbackBar({ conversation }: { conversation: ConversationRecord }) {
  const { t } = useTranslation()
  const [dialling, setDialling] = useState(false)
  const number = conversation.meta['phone'] ?? conversation.identity.value
  const callBack = async () => {
    setDialling(true)
    try {
      await getAgentApi().invoke('phone.dial', { target: number, ...(conversation.customerId ? { customerId: conversation.customerId } : {}) })
    } catch (err) {
      showToast(t('inbox.callback.failed', { error: errorText(t, toAppError(err)) }), 'error')
    } finally {
      setDialling(false)
    }
  }
  return (
    <div className="inbox-callback" data-testid="conversation-callback">
      <button type="button" className="button button--primary" data-testid="conversation-call-back" data-number={number} disabled={dialling} onClick={() => void callBack()}>
        <span aria-hidden="true">☎</span> {t('inbox.callback.button', { number: spaced(number) })}
      </button>
      <span className="muted">{t('inbox.callback.hint')}</span>
    </div>
  )
}
