import { useMemo } from 'react'
import { splitByPhoneNumbers, type PhoneMention } from '../../../../shared/domain/phone-in-text'
import { useDial } from './use-dial'
import './phone.css'

/**
 * Text with the phone numbers in it made callable: click-to-call from what a customer wrote.
 * Plain text stays plain (no hooks of the phone's mount for a message without a number).
 */
export function PhoneLinkedText({ text, customerId }: { text: string; customerId?: string | null }) {
  const parts = useMemo(() => splitByPhoneNumbers(text), [text])
  if (parts.length === 1 && typeof parts[0] === 'string') return <>{text}</>
  return (
    <>
      {parts.map((part, i) => (typeof part === 'string' ? part : <PhoneNumberLink key={`${i}-${part.start}`} mention={part} customerId={customerId ?? undefined} />))}
    </>
  )
}

function PhoneNumberLink({ mention, customerId }: { mention: PhoneMention; customerId?: string }) {
  const { t, registered, dialling, dial } = useDial()
  return (
    <button
      type="button"
      className="phone-link"
      data-testid="text-phone-number"
      data-number={mention.number}
      title={registered ? t('phone.callNumber', { number: mention.number }) : t('phone.notRegistered')}
      aria-label={t('phone.callNumber', { number: mention.text })}
      disabled={dialling}
      onClick={() => dial(mention.number, customerId)}
    >
      {mention.text}
    </button>
  )
}
