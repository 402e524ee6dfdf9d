import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Keypad } from './Keypad'
import { phoneErrorText } from './phone-text'
import { isPending, phone, usePhoneStore } from './phone-store'

const DIAL_KEY = /^[0-9*#+]$/

function typingInField(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
}

/**
 * 拨号盘: type, paste or click a number and call it. The phone decides what can be dialled (it
 * refuses letters rather than guess them); its refusal is shown beside the number.
 */
export function DialPad() {
  const { t } = useTranslation()
  const [number, setNumber] = useState('')
  const [error, setError] = useState<string | null>(null)
  const registered = usePhoneStore((s) => s.snapshot?.registration.state === 'registered')
  const dialling = usePhoneStore((s) => isPending(s.pending, 'dial'))
  const input = useRef<HTMLInputElement>(null)

  const dial = async () => {
    if (number.trim() === '' || dialling) return
    setError(null)
    const result = await phone.dial(number)
    if ('error' in result) setError(phoneErrorText(t, 'dial', result.error))
    else setNumber('')
  }

  // Digits typed anywhere on the phone page go into the number, as on a desk phone.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typingInField(event.target) || event.ctrlKey || event.altKey || event.metaKey) return
      if (DIAL_KEY.test(event.key)) {
        setNumber((n) => n + event.key)
        input.current?.focus()
        event.preventDefault()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])

  return (
    <form
      className="dial-pad"
      data-testid="dial-pad"
      aria-label={t('phone.dial.title')}
      onSubmit={(event) => {
        event.preventDefault()
        void dial()
      }}
    >
      <div className="dial-pad-number">
        <input
          ref={input}
          className="search-input dial-pad-input"
          data-testid="dial-input"
          aria-label={t('phone.dial.number')}
          aria-invalid={error !== null}
          aria-describedby={error ? 'dial-pad-error' : undefined}
          placeholder={t('phone.dial.placeholder')}
          inputMode="tel"
          autoComplete="off"
          maxLength={64}
          value={number}
          onChange={(event) => {
            setNumber(event.target.value)
            setError(null)
          }}
        />
        <button
          type="button"
          className="button button--ghost dial-pad-erase"
          aria-label={t('phone.dial.erase')}
          disabled={number === ''}
          onClick={() => setNumber((n) => n.slice(0, -1))}
        >
          ⌫
        </button>
      </div>
      {error && (
        <p className="inline-error" id="dial-pad-error" role="alert" data-testid="dial-error">
          {error}
        </p>
      )}
      <Keypad
        testId="dial-keypad"
        onKey={(key) => {
          setNumber((n) => n + key)
          setError(null)
        }}
      />
      <button type="submit" className="button button--primary button--block dial-pad-call" data-testid="dial-call" disabled={!registered || dialling || number.trim() === ''}>
        {dialling ? t('phone.dial.calling') : t('phone.dial.call')}
      </button>
      {!registered && <p className="muted dial-pad-hint">{t('phone.notRegistered')}</p>}
    </form>
  )
}
