import { useTranslation } from 'react-i18next'

export const KEYPAD_KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'] as const
const LETTERS: Record<string, string> = { '2': 'ABC', '3': 'DEF', '4': 'GHI', '5': 'JKL', '6': 'MNO', '7': 'PQRS', '8': 'TUV', '9': 'WXYZ', '0': '+' }

/** Twelve telephone keys; used to dial and to send tones during a call. */
export function Keypad({ onKey, disabled = false, testId }: { onKey(key: string): void; disabled?: boolean; testId: string }) {
  const { t } = useTranslation()
  return (
    <div className="keypad" role="group" aria-label={t('phone.keypad.label')} data-testid={testId}>
      {KEYPAD_KEYS.map((key) => (
        <button
          key={key}
          type="button"
          className="keypad-key"
          data-key={key}
          aria-label={t('phone.keypad.key', { key })}
          disabled={disabled}
          onClick={() => onKey(key)}
        >
          <span className="keypad-digit">{key}</span>
          <span className="keypad-letters" aria-hidden="true">
            {LETTERS[key] ?? '\u00a0'}
          </span>
        </button>
      ))}
    </div>
  )
}
