import { useTranslation } from 'react-i18next'
import { formatClock } from '../../lib/format-time'
import { useOfflineStore } from './offline-store'

/** Status bar: when the cache last synced, what is waiting to be sent, and conflicts to resolve. */
export function OutboxIndicators() {
  return (
    <div className="outbox-indicators">
      <SyncedAt />
      <PendingCount />
      <ConflictsBadge />
    </div>
  )
}

function SyncedAt() {
  const { t } = useTranslation()
  const lastSyncedAt = useOfflineStore((s) => s.sync?.lastSyncedAt ?? null)
  if (lastSyncedAt === null) return null
  return (
    <span className="synced-at" data-testid="synced-at" data-at={lastSyncedAt}>
      {t('offline.syncedAt', { time: formatClock(lastSyncedAt) })}
    </span>
  )
}

/** Always in the page with its count (hidden at 0), so tests can wait for it to reach 0. */
function PendingCount() {
  const { t } = useTranslation()
  const count = useOfflineStore((s) => s.outbox?.pending ?? 0)
  return (
    <span className="pending-count" data-testid="pending-count" data-count={count} hidden={count === 0} title={t('offline.pendingHint')}>
      <span className="pending-count-mark" aria-hidden="true" />
      {t('offline.pending', { count })}
    </span>
  )
}

function ConflictsBadge() {
  const { t } = useTranslation()
  const count = useOfflineStore((s) => s.outbox?.conflicts.length ?? 0)
  const open = useOfflineStore((s) => s.conflictsOpen)
  const setOpen = useOfflineStore((s) => s.setConflictsOpen)
  if (count === 0) return null
  return (
    <button
      type="button"
      className="conflicts-badge"
      data-testid="conflicts-badge"
      data-count={count}
      aria-expanded={open}
      aria-controls="conflicts-panel"
      title={t('offline.conflictsHint')}
      onClick={() => setOpen(!open)}
    >
      {t('offline.conflicts', { count })}
    </button>
  )
}
