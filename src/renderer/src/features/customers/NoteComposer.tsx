import { useTranslation } from 'react-i18next'
import { errorText } from '../../i18n/error-text'
import { noteDraftKey, useDraft } from '../drafts/use-draft'
import { showToast } from '../toast/toast-store'
import { useCustomersStore } from './customers-store'

/** customers.addNote accepts up to this many characters. */
const MAX_NOTE_LENGTH = 5_000

/** A note on the customer; its draft is kept under note:<customerId> while the agent types. */
export function NoteComposer({ customerId }: { customerId: string }) {
  const { t } = useTranslation()
  const draft = useDraft(noteDraftKey(customerId))
  const adding = useCustomersStore((s) => s.addingNote)
  const noteError = useCustomersStore((s) => s.noteError)
  const addNote = useCustomersStore((s) => s.addNote)
  const text = draft.text.trim()

  async function add(): Promise<void> {
    if (text === '' || adding) return
    if (await addNote(text)) {
      await draft.clear()
      showToast(t('customers.noteAdded'))
    }
  }

  return (
    <div className="note-composer">
      <label className="visually-hidden" htmlFor="note-input">
        {t('customers.addNote')}
      </label>
      <textarea
        id="note-input"
        className="textarea"
        data-testid="note-input"
        data-draft-loaded={draft.loaded}
        rows={3}
        maxLength={MAX_NOTE_LENGTH}
        placeholder={t('customers.notePlaceholder')}
        value={draft.text}
        onChange={(event) => draft.setText(event.target.value)}
        onKeyDown={(event) => {
          // Ctrl+Enter adds, as in most chat and mail tools.
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.nativeEvent.isComposing) {
            event.preventDefault()
            void add()
          }
        }}
      />
      <div className="note-composer-actions">
        <span className="note-draft-state" data-testid="note-draft-state" data-state={draft.saveState}>
          {draft.saveState === 'saved' && text !== '' ? t('customers.noteDraftSaved') : ''}
        </span>
        {noteError && (
          <span className="inline-error" role="alert">
            {t('customers.noteFailed', { error: errorText(t, noteError) })}
          </span>
        )}
        <button type="button" className="button button--primary button--small" data-testid="note-add" disabled={text === '' || adding} onClick={() => void add()}>
          {adding ? t('customers.noteAdding') : t('customers.noteAdd')}
        </button>
      </div>
    </div>
  )
}
