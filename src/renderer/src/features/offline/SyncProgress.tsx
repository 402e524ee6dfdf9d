import { useTranslation } from 'react-i18next'
import { formatCount } from '../../lib/format-time'
import { errorCodes } from '../../../../shared/errors'
import { useOfflineStore } from './offline-store'

/**
 * The first sync fills the local cache and can take a while: a progress bar. Later syncs are
 * incremental and silent (the status bar says when the last one finished). A failed sync says so.
 * The element stays in the page (hidden) in the other phases so tests can read its phase.
 */
export function SyncProgress() {
  const { t } = useTranslation()
  const sync = useOfflineStore((s) => s.sync)
  const phase = sync?.phase ?? 'idle'
  const done = sync?.done ?? 0
  const total = sync?.total ?? 0
  const visible = phase === 'initial' || phase === 'error'
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0
  return (
    <div className={`sync-progress sync-progress--${phase}`} data-testid="sync-progress" data-phase={phase} data-done={done} data-total={total} hidden={!visible} title={phase === 'error' ? (sync?.error ?? undefined) : undefined} role="status">
      {phase === 'initial' && (
        <>
          <span className="sync-progress-text">{t('offline.syncing', { done: formatCount(done), total: formatCount(total) })}</span>
          <progress className="sync-progress-bar" max={total > 0 ? total : undefined} value={total > 0 ? done : undefined} aria-label={t('offline.syncingLabel')} />
          {total > 0 && <span className="sync-progress-percent">{percent}%</span>}
        </>
      )}
      {phase === 'error' && <span className="sync-progress-text">{syncErrorText(t, sync?.error ?? null)}</span>}
    </div>
  )
}

function syncErrorText(t: ReturnType<typeof useTranslation>['t'], error: string | null): string {
  // The status carries a string; when it is one of the shared error codes it can be explained.
  if (error !== null && (errorCodes as readonly string[]).includes(error)) {
    return t('offline.syncError', { error: t(`errors.${error as (typeof errorCodes)[number]}`) })
  }
  return t('offline.syncErrorUnknown')
}
