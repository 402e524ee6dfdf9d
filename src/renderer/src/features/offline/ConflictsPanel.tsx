import { useTranslation } from 'react-i18next'
import type { Conflict } from '../../../../shared/ipc/views'
import { errorText } from '../../i18n/error-text'
import { formatDateTime } from '../../lib/format-time'
import { conflictReason } from './conflict-reason'
import { useOfflineStore } from './offline-store'

const NO_CONFLICTS: Conflict[] = []

/** Operations the server refused, each with what it was, why, and 重试 / 放弃. */
export function ConflictsPanel() {
  const { t } = useTranslation()
  const open = useOfflineStore((s) => s.conflictsOpen)
  const conflicts = useOfflineStore((s) => s.outbox?.conflicts ?? NO_CONFLICTS)
  const setOpen = useOfflineStore((s) => s.setConflictsOpen)
  if (!open) return null
  return (
    <aside className="side-panel conflicts-panel" id="conflicts-panel" data-testid="conflicts-panel" aria-label={t('offline.conflictsTitle')}>
      <header className="side-panel-header">
        <h2 className="side-panel-title">{t('offline.conflictsTitle')}</h2>
        <button type="button" className="banner-close" onClick={() => setOpen(false)} aria-label={t('offline.close')}>
          ×
        </button>
      </header>
      <p className="muted side-panel-intro">{t('offline.conflictsIntro')}</p>
      {conflicts.length === 0 ? (
        <p className="muted">{t('offline.conflictsNone')}</p>
      ) : (
        <ul className="conflict-list">
          {conflicts.map((conflict) => (
            <ConflictItem key={conflict.opId} conflict={conflict} />
          ))}
        </ul>
      )}
    </aside>
  )
}

function ConflictItem({ conflict }: { conflict: Conflict }) {
  const { t } = useTranslation()
  const busy = useOfflineStore((s) => s.resolving[conflict.opId] === true)
  const failure = useOfflineStore((s) => (s.resolveError?.opId === conflict.opId ? s.resolveError.error : null))
  const resolve = useOfflineStore((s) => s.resolve)
  return (
    <li className="conflict-item" data-testid="conflict-item" data-op-id={conflict.opId} data-type={conflict.type} data-code={conflict.error.code}>
      <div className="conflict-head">
        <span className="conflict-type">{t(`offline.operation.${conflict.type}`)}</span>
        <time className="conflict-time">{formatDateTime(conflict.createdAt)}</time>
      </div>
      <p className="conflict-summary">{conflict.summary}</p>
      <p className="conflict-reason">{t('offline.reason', { reason: conflictReason(t, conflict.error.code) })}</p>
      {failure && (
        <p className="inline-error" role="alert">
          {t('offline.resolveFailed', { error: errorText(t, failure) })}
        </p>
      )}
      <div className="conflict-actions">
        <button type="button" className="button button--small button--primary" data-testid="conflict-retry" disabled={busy} onClick={() => void resolve(conflict.opId, 'retry')}>
          {t('offline.retry')}
        </button>
        <button type="button" className="button button--small button--danger" data-testid="conflict-discard" disabled={busy} onClick={() => void resolve(conflict.opId, 'discard')}>
          {t('offline.discard')}
        </button>
      </div>
    </li>
  )
}
