import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AppError } from '../../../../shared/errors'
import type { KbArticleHistory, KbArticleVersion } from '../../../../shared/protocol/kb-api'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { formatDateTime } from '../../lib/format-time'
import { useConnectionStore } from '../connection/connection-store'
import { diffText, hasChanges, type DiffPart } from '../../../../shared/text/text-diff'

/** 历史版本: who changed the article when; a version's text with what it changed against the one before. */
export function KbHistory({ articleId, currentVersion }: { articleId: string; currentVersion: number }) {
  const { t } = useTranslation()
  const online = useConnectionStore((s) => s.connection?.status === 'online')
  const [history, setHistory] = useState<KbArticleHistory | null>(null)
  const [error, setError] = useState<AppError | null>(null)
  const [selected, setSelected] = useState<number | null>(null)

  // Read again when the article gets a new version while the history is open.
  useEffect(() => {
    let live = true
    getAgentApi()
      .invoke('kb.versions', { articleId })
      .then((h) => {
        if (!live) return
        setError(null)
        setHistory(h)
        setSelected((s) => (s !== null && h.versions.some((v) => v.version === s) ? s : (h.versions[0]?.version ?? null)))
      })
      .catch((err: unknown) => live && setError(toAppError(err)))
    return () => {
      live = false
    }
  }, [articleId, currentVersion])

  const versions = history?.versions ?? []
  const index = versions.findIndex((v) => v.version === selected)
  const shown = index >= 0 ? versions[index] : undefined
  const before = index >= 0 ? versions[index + 1] : undefined

  return (
    <section className="kb-history" data-testid="kb-history" aria-label={t('kbHistory.title')}>
      {!history && !error && <p className="list-placeholder">{t('kbHistory.loading')}</p>}
      {error && (
        <p className="form-error" role="alert" data-testid="kb-history-error">
          {t('kbHistory.failed', { error: errorText(t, error) })}
        </p>
      )}
      {history && !online && <p className="muted kb-history-note">{t('kbHistory.offlineCached')}</p>}
      {history && (
        <div className="kb-history-layout">
          <ol className="kb-history-list" aria-label={t('kbHistory.title')}>
            {versions.map((v) => (
              <li key={v.version}>
                <button
                  type="button"
                  className={`kb-history-item${v.version === selected ? ' is-active' : ''}`}
                  data-testid="kb-history-version"
                  data-version={v.version}
                  aria-current={v.version === selected ? 'true' : undefined}
                  onClick={() => setSelected(v.version)}
                >
                  <span className="kb-history-version">
                    {t('kbHistory.version', { version: v.version })}
                    {v.version === currentVersion && <span className="tag tag--static">{t('kbHistory.current')}</span>}
                  </span>
                  <span className="muted">{v.editedBy ? t('kbHistory.editedBy', { name: v.editedBy.name }) : t('kbHistory.editorUnknown')}</span>
                  <span className="muted">{formatDateTime(v.at)}</span>
                </button>
              </li>
            ))}
          </ol>
          {shown ? <VersionChanges version={shown} before={before} /> : <p className="muted">{t('kbHistory.pick')}</p>}
        </div>
      )}
    </section>
  )
}

function VersionChanges({ version, before }: { version: KbArticleVersion; before: KbArticleVersion | undefined }) {
  const { t } = useTranslation()
  const body = useMemo(() => (before ? diffText(htmlToText(before.body), htmlToText(version.body)) : [{ kind: 'same' as const, text: htmlToText(version.body) }]), [before, version])
  const title = useMemo(() => (before && before.title !== version.title ? diffText(before.title, version.title) : null), [before, version])
  return (
    <div className="kb-history-text" data-testid="kb-history-text" data-version={version.version}>
      {before ? (
        <p className="muted">
          {t('kbHistory.compareWith', { version: before.version })}{' '}
          <ins className="diff-added diff-legend">{t('kbHistory.added')}</ins> <del className="diff-removed diff-legend">{t('kbHistory.removed')}</del>
        </p>
      ) : (
        <p className="muted">{t('kbHistory.first')}</p>
      )}
      {title && (
        <p className="kb-history-title">
          {t('kbHistory.titleChanged')} <DiffView parts={title} />
        </p>
      )}
      {before && !hasChanges(body) && <p className="muted">{t('kbHistory.noChanges')}</p>}
      <div className="kb-history-body">
        <DiffView parts={body} />
      </div>
    </div>
  )
}

function DiffView({ parts }: { parts: DiffPart[] }) {
  return (
    <>
      {parts.map((part, i) =>
        part.kind === 'added' ? (
          <ins key={i} className="diff-added">
            {part.text}
          </ins>
        ) : part.kind === 'removed' ? (
          <del key={i} className="diff-removed">
            {part.text}
          </del>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  )
}

/** The text of restricted article HTML, one line per block; parsed inertly (nothing runs or loads). */
export function htmlToText(html: string): string {
  const marked = html.replace(/<br\s*\/?>/gi, '\n').replace(/<\/(p|h3|h4|li)>/gi, '$&\n')
  const doc = new DOMParser().parseFromString(marked, 'text/html')
  return (doc.body.textContent ?? '').replace(/\n{3,}/g, '\n\n').trim()
}
