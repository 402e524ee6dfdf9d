import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { KbArticleView } from '../../../../shared/ipc/views'
import { errorText } from '../../i18n/error-text'
import { formatDateTime } from '../../lib/format-time'
import { DeliveryState } from '../offline/DeliveryState'
import { ArticleBody } from './ArticleBody'
import { insertIntoReply, selectedTextIn } from './insert-into-reply'
import { KbAttachments } from './KbAttachments'
import { KbHistory } from './KbHistory'
import './kb-extras.css'
import { useKbStore } from './kb-store'
import { MandatoryBadge } from './MandatoryBadge'

export function KbArticlePane() {
  const { t } = useTranslation()
  const articleId = useKbStore((s) => s.articleId)
  const article = useKbStore((s) => s.article)
  const state = useKbStore((s) => s.articleState)
  const error = useKbStore((s) => s.articleError)
  const openArticle = useKbStore((s) => s.openArticle)

  if (articleId === null) {
    return (
      <div className="kb-article-pane kb-article-pane--empty">
        <p className="muted">{t('kb.pickArticle')}</p>
      </div>
    )
  }
  return (
    <div className="kb-article-pane">
      {state === 'loading' && <p className="list-placeholder">{t('kb.articleLoading')}</p>}
      {state === 'missing' && (
        <p className="list-placeholder" data-testid="kb-article-missing">
          {t('kb.articleMissing')}
        </p>
      )}
      {state === 'failed' && error && (
        <div className="form-error" role="alert">
          {t('kb.articleFailed', { error: errorText(t, error) })}{' '}
          <button type="button" className="button button--small" onClick={() => void openArticle(articleId)}>
            {t('app.retry')}
          </button>
        </div>
      )}
      {article && <KbArticle key={article.id} article={article} />}
    </div>
  )
}

function KbArticle({ article }: { article: KbArticleView }) {
  const { t } = useTranslation()
  const closeArticle = useKbStore((s) => s.closeArticle)
  const bodyRef = useRef<HTMLDivElement>(null)
  const [inserting, setInserting] = useState(false)
  const [showHistory, setShowHistory] = useState(false)

  async function insert(snippet: string): Promise<void> {
    setInserting(true)
    try {
      await insertIntoReply(t, article, snippet)
    } finally {
      setInserting(false)
    }
  }

  return (
    <article className="kb-article" data-testid="kb-article" data-id={article.id} data-version={article.version} data-mandatory={article.mandatory}>
      <header className="kb-article-header">
        <div className="kb-article-heading">
          <h3 className="kb-article-title" data-testid="kb-article-title">
            {article.mandatory && <MandatoryBadge />}
            {article.title}
          </h3>
          <button type="button" className="banner-close" onClick={closeArticle} aria-label={t('offline.close')}>
            ×
          </button>
        </div>
        <div className="kb-article-meta">
          <span>{article.categoryName ?? t('kb.uncategorised')}</span>
          <span>{t('kb.version', { version: article.version })}</span>
          <span>{t('kb.updatedAt', { time: formatDateTime(article.updatedAt) })}</span>
        </div>
        {article.tags.length > 0 && (
          <div className="kb-article-tags">
            {article.tags.map((tag) => (
              <span key={tag} className="tag tag--static">
                {tag}
              </span>
            ))}
          </div>
        )}
        <div className="kb-article-actions">
          <button
            type="button"
            className="button button--small"
            data-testid="kb-insert"
            title={t('kb.insertHint')}
            disabled={inserting}
            // Read the selection before the click can move it.
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => void insert(selectedTextIn(bodyRef.current))}
          >
            {t('kb.insert')}
          </button>
          <button
            type="button"
            className={`button button--small button--ghost${showHistory ? ' is-active' : ''}`}
            data-testid="kb-history-toggle"
            aria-pressed={showHistory}
            onClick={() => setShowHistory((open) => !open)}
          >
            {showHistory ? t('kbHistory.close') : t('kbHistory.open')}
          </button>
        </div>
      </header>
      {article.mandatory && <SignoffBar article={article} />}
      {showHistory ? (
        <KbHistory articleId={article.id} currentVersion={article.version} />
      ) : (
        <>
          <ArticleBody body={article.body} testId="kb-article-body" bodyRef={bodyRef} />
          <KbAttachments attachments={article.attachments} />
        </>
      )}
    </article>
  )
}

/** For a 规章: 签收 if this version is not signed yet, else the sign-off and its delivery. */
function SignoffBar({ article }: { article: KbArticleView }) {
  const { t } = useTranslation()
  const signing = useKbStore((s) => s.signing)
  const signError = useKbStore((s) => s.signError)
  const sign = useKbStore((s) => s.sign)
  const signedThisVersion = article.signedVersion !== null && article.signedVersion >= article.version

  if (signedThisVersion) {
    return (
      <div className="signoff-bar signoff-bar--signed">
        <DeliveryState delivery={article.signoffDelivery ?? 'sent'} testId="kb-signoff-state" label={(state) => `${t('kb.signed')} · ${state}`} />
      </div>
    )
  }
  return (
    <div className="signoff-bar">
      <div className="signoff-bar-text">
        <p>{t('kb.signHint')}</p>
        {article.signedVersion !== null && <p className="muted">{t('kb.signedOlder', { version: article.signedVersion })}</p>}
        {signError && (
          <p className="inline-error" role="alert">
            {t('kb.signFailed', { error: errorText(t, signError) })}
          </p>
        )}
      </div>
      <button type="button" className="button button--primary" data-testid="kb-signoff" onClick={() => void sign()} disabled={signing}>
        {signing ? t('kb.signing') : t('kb.sign')}
      </button>
    </div>
  )
}
