import { useTranslation } from 'react-i18next'
import type { AppError } from '../../../shared/errors'
import { errorText } from '../i18n/error-text'

/** Shown while asking the host who is signed in, or when that question could not be answered. */
export function BootScreen({ error, onRetry }: { error: AppError | null; onRetry(): void }) {
  const { t } = useTranslation()
  return (
    <div className="center-page" data-testid="boot-screen">
      <div className="center-card">
        <h1>{t('app.name')}</h1>
        {error ? (
          <>
            <p className="form-error" data-testid="boot-error" role="alert">
              {t('app.startupFailed')}: {errorText(t, error)}
            </p>
            <button type="button" className="button button--primary" data-testid="boot-retry" onClick={onRetry}>
              {t('app.retry')}
            </button>
          </>
        ) : (
          <p className="muted" role="status">
            {t('app.loading')}
          </p>
        )}
      </div>
    </div>
  )
}
