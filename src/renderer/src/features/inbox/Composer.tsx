import { forwardRef, useImperativeHandle, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AttachmentRef } from '../../../../shared/domain/conversations'
import type { CannedResponseView, MessageView } from '../../../../shared/ipc/inbox-views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { useConnectionStore } from '../connection/connection-store'
import { REPLY_SCRATCH_DRAFT, useDraft } from '../drafts/use-draft'
import { showToast } from '../toast/toast-store'
import { CannedPicker, EmojiPicker, filterCanned, KbInsertPicker } from './composer-pickers'
import { useConversationStore } from './conversation-store'

export interface ComposerHandle {
  focus(): void
  quote(message: MessageView): void
  /** Puts text into the composer (e.g. a failed reply to send again). */
  insert(text: string): void
}

interface ComposerProps {
  conversationId: string
  /** Why the agent cannot reply, or null. Notes are always possible. */
  replyBlocked: string | null
  /** Only private notes (a missed-call item is answered by calling back). */
  notesOnly?: boolean
}

/** Per conversation, and a reply and a note are kept apart so switching loses neither. */
export function conversationDraftKey(conversationId: string, mode: 'reply' | 'note'): string {
  return `${mode === 'reply' ? 'conversation' : 'conversation-note'}:${conversationId}`
}

const MAX_FILE_BYTES = 10 * 1024 * 1024

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => {
      const url = String(reader.result)
      resolve(url.slice(url.indexOf(',') + 1))
    }
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the file'))
    reader.readAsDataURL(file)
  })
}

/**
 * Reply or private note. `/` at the start opens the canned responses (variables already filled by
 * the main process); the text is a draft kept by the main process per conversation.
 */
export const Composer = forwardRef<ComposerHandle, ComposerProps>(function Composer({ conversationId, replyBlocked, notesOnly = false }, ref) {
  const { t } = useTranslation()
  const [mode, setMode] = useState<'reply' | 'note'>(notesOnly ? 'note' : 'reply')
  const draft = useDraft(conversationDraftKey(conversationId, mode))
  const [replyTo, setReplyTo] = useState<MessageView | null>(null)
  const [popup, setPopup] = useState<'emoji' | 'kb' | null>(null)
  const [cannedActive, setCannedActive] = useState(0)
  const [cannedDismissed, setCannedDismissed] = useState(false)
  const [attachments, setAttachments] = useState<AttachmentRef[]>([])
  const [uploading, setUploading] = useState(false)
  const textareaRef = useRef<HTMLTextAreaElement>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const canned = useConversationStore((s) => s.canned)
  const send = useConversationStore((s) => s.send)
  const busy = useConversationStore((s) => s.busy)
  const offline = useConnectionStore((s) => s.connection !== null && s.connection.status !== 'online')

  useImperativeHandle(ref, () => ({
    focus: () => textareaRef.current?.focus(),
    quote: (message) => {
      if (notesOnly) return
      setMode('reply')
      setReplyTo(message)
      textareaRef.current?.focus()
    },
    insert: (text) => insertText(text),
  }))

  const cannedQuery = mode === 'reply' && draft.text.startsWith('/') && !draft.text.includes('\n') ? draft.text.slice(1) : null
  const cannedOpen = cannedQuery !== null && !cannedDismissed
  const cannedItems = useMemo(() => (cannedQuery === null ? [] : filterCanned(canned, cannedQuery)), [canned, cannedQuery])
  const blocked = mode === 'reply' ? replyBlocked : null

  function insertText(text: string) {
    const el = textareaRef.current
    const current = draft.text
    const start = el?.selectionStart ?? current.length
    const end = el?.selectionEnd ?? current.length
    const next = current.slice(0, start) + text + current.slice(end)
    draft.setText(next)
    requestAnimationFrame(() => {
      el?.focus()
      el?.setSelectionRange(start + text.length, start + text.length)
    })
  }

  function pickCanned(item: CannedResponseView) {
    draft.setText(item.filled)
    setCannedDismissed(false)
    requestAnimationFrame(() => textareaRef.current?.focus())
  }

  async function submit() {
    const text = draft.text
    if (blocked || busy || (text.trim() === '' && attachments.length === 0)) return
    const ok = await send(mode, text, mode === 'reply' ? (replyTo?.id ?? null) : null, attachments)
    if (ok) {
      await draft.clear()
      setReplyTo(null)
      setAttachments([])
    }
  }

  async function insertScratch() {
    try {
      const scratch = await getAgentApi().invoke('drafts.get', { key: REPLY_SCRATCH_DRAFT })
      if (scratch?.text) {
        insertText(scratch.text)
        await getAgentApi().invoke('drafts.set', { key: REPLY_SCRATCH_DRAFT, text: '' })
      }
    } catch (err) {
      showToast(errorText(t, toAppError(err)), 'error')
    }
  }

  async function upload(files: FileList | null) {
    if (!files || files.length === 0) return
    setUploading(true)
    try {
      for (const file of Array.from(files).slice(0, 10 - attachments.length)) {
        if (file.size > MAX_FILE_BYTES) {
          showToast(t('errors.payload_too_large'), 'error')
          continue
        }
        const ref = await getAgentApi().invoke('attachments.upload', { name: file.name, mime: file.type || 'application/octet-stream', dataBase64: await readBase64(file) })
        setAttachments((list) => [...list, ref])
      }
    } catch (err) {
      showToast(t('inbox.actionFailed', { error: errorText(t, toAppError(err)) }), 'error')
    } finally {
      setUploading(false)
      if (fileRef.current) fileRef.current.value = ''
    }
  }

  return (
    <div className={`composer composer--${mode}`} data-testid="composer" data-mode={mode}>
      <div className="composer-tabs" role="tablist">
        {(notesOnly ? (['note'] as const) : (['reply', 'note'] as const)).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            className={`composer-tab${mode === m ? ' is-active' : ''}`}
            data-testid={`composer-mode-${m}`}
            onClick={() => setMode(m)}
          >
            {t(`inbox.composer.${m}`)}
          </button>
        ))}
        {offline && (
          <span className="composer-offline" data-testid="composer-offline">
            {t('inbox.composer.offline')}
          </span>
        )}
      </div>
      {replyTo && mode === 'reply' && (
        <div className="composer-reply-to" data-testid="composer-reply-to" data-reply-to={replyTo.id}>
          {t('inbox.composer.replyingTo', { text: Array.from(replyTo.text).slice(0, 60).join('') })}
          <button type="button" className="button button--ghost button--small" onClick={() => setReplyTo(null)}>
            {t('inbox.composer.cancelReplyTo')}
          </button>
        </div>
      )}
      <div className="composer-editor">
        {cannedOpen && <CannedPicker items={cannedItems} query={cannedQuery} active={Math.min(cannedActive, Math.max(0, cannedItems.length - 1))} onPick={pickCanned} />}
        {popup === 'emoji' && (
          <EmojiPicker
            onPick={(emoji) => {
              insertText(emoji)
              setPopup(null)
            }}
          />
        )}
        {popup === 'kb' && (
          <KbInsertPicker
            onPick={(text) => {
              insertText(text)
              setPopup(null)
            }}
            onClose={() => setPopup(null)}
          />
        )}
        <textarea
          ref={textareaRef}
          className="textarea composer-input"
          data-testid="composer-input"
          data-draft-loaded={draft.loaded}
          aria-label={t('inbox.composer.label')}
          placeholder={blocked ?? t(mode === 'reply' ? 'inbox.composer.placeholderReply' : 'inbox.composer.placeholderNote')}
          disabled={blocked !== null || !draft.loaded}
          value={draft.text}
          rows={4}
          onChange={(e) => {
            draft.setText(e.target.value)
            setCannedActive(0)
            setCannedDismissed(false)
          }}
          onKeyDown={(e) => {
            if (e.nativeEvent.isComposing) return
            if (cannedOpen) {
              if (e.key === 'ArrowDown') {
                e.preventDefault()
                setCannedActive((i) => Math.min(i + 1, cannedItems.length - 1))
                return
              }
              if (e.key === 'ArrowUp') {
                e.preventDefault()
                setCannedActive((i) => Math.max(i - 1, 0))
                return
              }
              if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
                e.preventDefault()
                const item = cannedItems[Math.min(cannedActive, cannedItems.length - 1)]
                if (item) pickCanned(item)
                return
              }
              if (e.key === 'Escape') {
                e.preventDefault()
                setCannedDismissed(true)
                return
              }
            }
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault()
              void submit()
            }
            if (e.key === 'Escape') textareaRef.current?.blur()
          }}
        />
      </div>
      {attachments.length > 0 && (
        <ul className="composer-attachments">
          {attachments.map((a) => (
            <li key={a.id} data-testid="composer-attachment" data-id={a.id}>
              📎 {a.name}
              <button type="button" className="button button--ghost button--small" onClick={() => setAttachments((list) => list.filter((x) => x.id !== a.id))}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="composer-actions">
        <button type="button" className="button button--small" data-testid="composer-canned" disabled={mode !== 'reply' || blocked !== null} onClick={() => {
          draft.setText('/')
          setCannedDismissed(false)
          textareaRef.current?.focus()
        }}>
          {t('inbox.composer.canned')}
        </button>
        <button type="button" className="button button--small" data-testid="composer-kb" onClick={() => setPopup(popup === 'kb' ? null : 'kb')}>
          {t('inbox.composer.kb')}
        </button>
        <button type="button" className="button button--small" data-testid="composer-scratch" title={t('inbox.composer.scratch')} onClick={() => void insertScratch()}>
          {t('inbox.composer.scratchShort')}
        </button>
        <button type="button" className="button button--small" data-testid="composer-emoji" aria-label={t('inbox.composer.emoji')} onClick={() => setPopup(popup === 'emoji' ? null : 'emoji')}>
          😊
        </button>
        <button type="button" className="button button--small" data-testid="composer-attach" disabled={uploading || blocked !== null} onClick={() => fileRef.current?.click()}>
          {t('inbox.composer.attach')}
        </button>
        <input ref={fileRef} type="file" multiple hidden data-testid="composer-file" onChange={(e) => void upload(e.target.files)} />
        <span className="composer-draft-state" data-testid="composer-draft-state" data-state={draft.saveState}>
          {draft.saveState === 'saved' ? t('inbox.composer.draftSaved') : draft.saveState === 'saving' ? t('inbox.composer.draftSaving') : draft.saveState === 'failed' ? t('inbox.composer.draftFailed') : ''}
        </span>
        <button
          type="button"
          className="button button--primary composer-send"
          data-testid="composer-send"
          disabled={blocked !== null || busy || uploading || (draft.text.trim() === '' && attachments.length === 0)}
          onClick={() => void submit()}
        >
          {busy ? t('inbox.composer.sending') : t(mode === 'reply' ? 'inbox.composer.send' : 'inbox.composer.addNote')}
        </button>
      </div>
    </div>
  )
})
