import type { TFunction } from 'i18next'
import type { KbArticleView } from '../../../../shared/ipc/views'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { REPLY_SCRATCH_DRAFT, writeDraft } from '../drafts/use-draft'
import { showToast } from '../toast/toast-store'
import { articlePlainText } from './article-html'

/** drafts.set accepts up to this many characters. */
const MAX_DRAFT_LENGTH = 100_000

/** The text selected inside `container`, if the agent selected part of the article. */
export function selectedTextIn(container: HTMLElement | null): string {
  const selection = window.getSelection()
  if (!container || !selection || selection.isCollapsed || selection.rangeCount === 0) return ''
  const range = selection.getRangeAt(0)
  if (!container.contains(range.commonAncestorContainer)) return ''
  return selection.toString().trim()
}

/**
 * 复制到回复: until the inbox brings a reply composer, the article (or the selected snippet) goes
 * to the clipboard and into the `reply:scratch` draft, which the composer will read.
 */
export async function insertIntoReply(t: TFunction, article: KbArticleView, snippet: string): Promise<void> {
  const text = (snippet !== '' ? snippet : `${article.title}\n\n${articlePlainText(article.body)}`).slice(0, MAX_DRAFT_LENGTH)
  const [copied, drafted] = await Promise.allSettled([navigator.clipboard.writeText(text), writeDraft(REPLY_SCRATCH_DRAFT, text)])
  if (copied.status === 'fulfilled' && drafted.status === 'fulfilled') showToast(t('kb.inserted'))
  else if (drafted.status === 'fulfilled') showToast(t('kb.insertedDraftOnly'), 'info')
  else if (copied.status === 'fulfilled') showToast(t('kb.insertedClipboardOnly', { error: errorText(t, toAppError(drafted.reason)) }), 'info')
  else showToast(t('kb.insertFailed', { error: errorText(t, toAppError(drafted.reason)) }), 'error')
}
