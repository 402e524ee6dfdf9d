import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import type { KbArticleView, PendingSignoff } from '../../../../shared/ipc/views'
import { errorText } from '../../i18n/error-text'
import { formatDateTime } from '../../lib/format-time'
import { useConnectionStore } from '../connection/connection-store'
import { DeliveryState } from '../offline/DeliveryState'
import { ArticleBody } from './ArticleBody'
import { isSigned, unsignedItems, useSignoffStore } from './signoff-store'

/**
 * 规章签收: after sign-in, and whenever the main process reports unsigned regulations, a modal
 * lists them; the agent reads each and signs. It stays until all are signed; it can be
 * minimised to the status bar badge, and comes back at the next sign-in or with a new regulation.
 */
export function SignoffModal() {
  const { t } = useTranslation()
  const items = useSignoffStore((s) => s.items)
  const signed = useSignoffStore((s) => s.signed)
  const minimised = useSignoffStore((s) => s.minimised)
  const minimise = useSignoffStore((s) => s.minimise)
  const offline = useConnectionStore((s) => s.connection?.status !== 'online')
  const unsigned = unsignedItems({ items, signed }).length
  const dialogRef = useRef<HTMLDialogElement>(null)
  const show = !minimised && unsigned > 0

  useEffect(() => {
    const dialog = dialogRef.current
    if (show && dialog && !dialog.open) dialog.showModal()
  }, [show])

  if (!show) return null
  return (
    <dialog
      ref={dialogRef}
      className="modal signoff-modal"
      data-testid="signoff-modal"
      data-count={unsigned}
      aria-labelledby="signoff-title"
      onCancel={(event) => {
        // Escape minimises instead of closing for good.
        event.preventDefault()
        minimise()
      }}
    >
      <header className="modal-header">
        <h2 id="signoff-title" className="modal-title">
          {t('signoff.title')}
        </h2>
        <span className="signoff-count">{t('signoff.badge', { count: unsigned })}</span>
        <button type="button" className="button button--small modal-header-action" data-testid="signoff-minimise" title={t('signoff.minimiseHint')} onClick={minimise}>
          {t('signoff.minimise')}
        </button>
      </header>
      <p className="muted">{t('signoff.intro')}</p>
      {offline && <p className="signoff-offline-note">{t('signoff.offlineNote')}</p>}
      <div className="signoff-layout">
        <ul className="signoff-list" aria-label={t('signoff.listLabel')}>
          {items.map((item) => (
            <SignoffItem key={item.id} item={item} />
          ))}
        </ul>
        <SignoffArticle />
      </div>
    </dialog>
  )
}

function SignoffItem({ item }: { item: PendingSignoff }) {
  const { t } = useTranslation()
  const entry = useSignoffStore((s) => s.signed[item.id])
  const done = useSignoffStore((s) => isSigned(item, s.signed))
  const active = useSignoffStore((s) => s.activeId === item.id)
  const choose = useSignoffStore((s) => s.choose)
  return (
    <li>
      <button
        type="button"
        className={`signoff-item${active ? ' is-active' : ''}${done ? ' is-signed' : ''}`}
        data-testid={`signoff-item-${item.id}`}
        data-signed={done}
        data-delivery={entry?.delivery}
        aria-current={active}
        onClick={() => void choose(item.id)}
      >
        <span className="signoff-item-title">{item.title}</span>
        <span className="signoff-item-meta">
          {t('kb.version', { version: item.version })}
          {done && entry ? <DeliveryState delivery={entry.delivery} label={(state) => `${t('kb.signed')} · ${state}`} /> : <span className="signoff-unsigned">{t('signoff.unsigned')}</span>}
        </span>
      </button>
    </li>
  )
}

function SignoffArticle() {
  const { t } = useTranslation()
  const activeId = useSignoffStore((s) => s.activeId)
  const article = useSignoffStore((s) => s.article)
  const state = useSignoffStore((s) => s.articleState)
  const error = useSignoffStore((s) => s.articleError)
  const choose = useSignoffStore((s) => s.choose)

  if (activeId === null) return <div className="signoff-article signoff-article--empty muted">{t('signoff.choose')}</div>
  return (
    <div className="signoff-article">
      {state === 'loading' && <p className="list-placeholder">{t('kb.articleLoading')}</p>}
      {state === 'missing' && <p className="list-placeholder">{t('kb.articleMissing')}</p>}
      {state === 'failed' && error && (
        <div className="form-error" role="alert">
          {t('kb.articleFailed', { error: errorText(t, error) })}{' '}
          <button type="button" className="button button--small" onClick={() => void choose(activeId)}>
            {t('app.retry')}
          </button>
        </div>
      )}
      {article && <SignoffArticleView article={article} />}
    </div>
  )
}

function SignoffArticleView({ article }: { article: KbArticleView }) {
  const { t } = useTranslation()
  const entry = useSignoffStore((s) => s.signed[article.id])
  const busy = useSignoffStore((s) => s.signing[article.id] === true)
  const signError = useSignoffStore((s) => (s.signError?.id === article.id ? s.signError.error : null))
  const sign = useSignoffStore((s) => s.sign)
  const done = entry !== undefined && entry.version >= article.version
  return (
    <article className="signoff-article-view" data-testid="signoff-article" data-id={article.id}>
      <h3 className="kb-article-title">{article.title}</h3>
      <div className="kb-article-meta">
        <span>{article.categoryName ?? t('kb.uncategorised')}</span>
        <span>{t('kb.version', { version: article.version })}</span>
        <span>{t('kb.updatedAt', { time: formatDateTime(article.updatedAt) })}</span>
      </div>
      <ArticleBody body={article.body} testId="signoff-article-body" />
      <footer className="signoff-article-footer">
        {signError && (
          <p className="inline-error" role="alert">
            {t('kb.signFailed', { error: errorText(t, signError) })}
          </p>
        )}
        {done ? (
          <DeliveryState delivery={entry.delivery} testId="signoff-state" label={(state) => `${t('kb.signed')} · ${state}`} />
        ) : (
          <button
            type="button"
            className="button button--primary"
            data-testid="signoff-sign"
            disabled={busy}
            onClick={() => {
              sign(article.id).catch(() => {
                // Shown from the store's signError.
              })
            }}
          >
            {busy ? t('kb.signing') : t('kb.sign')}
          </button>
        )}
      </footer>
    </article>
  )
}

/** Status bar: the minimised pop-up, in red, until everything is signed. */
export function SignoffBadge() {
  const { t } = useTranslation()
  const minimised = useSignoffStore((s) => s.minimised)
  const count = useSignoffStore((s) => unsignedItems(s).length)
  const restore = useSignoffStore((s) => s.restore)
  if (!minimised || count === 0) return null
  return (
    <button type="button" className="signoff-badge" data-testid="signoff-badge" data-count={count} title={t('signoff.badgeHint')} onClick={restore}>
      {t('signoff.badge', { count })}
    </button>
  )
}
