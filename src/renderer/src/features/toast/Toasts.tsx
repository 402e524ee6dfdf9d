import { useTranslation } from 'react-i18next'
import { useToastStore } from './toast-store'

export function Toasts() {
  const { t } = useTranslation()
  const toasts = useToastStore((s) => s.toasts)
  const dismiss = useToastStore((s) => s.dismiss)
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className={`toast toast--${toast.kind}`} data-testid="toast" data-kind={toast.kind} role={toast.kind === 'error' ? 'alert' : 'status'}>
          <span>{toast.text}</span>
          <button type="button" className="banner-close" onClick={() => dismiss(toast.id)} aria-label={t('toast.close')}>
            ×
          </button>
        </div>
      ))}
    </div>
  )
}
