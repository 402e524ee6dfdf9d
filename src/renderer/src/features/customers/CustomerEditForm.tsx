import { useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { CustomerRecord } from '../../../../shared/domain/records'
import type { CustomerChanges } from '../../../../shared/protocol/sync'
import { errorText } from '../../i18n/error-text'
import { showToast } from '../toast/toast-store'
import { useCustomersStore } from './customers-store'

const MAX_TAGS = 50
const MAX_TAG_LENGTH = 50

/** 标签 as typed: separated by commas (either width), 、 or spaces; duplicates dropped. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(/[,，、;；\s]+/)
    .map((tag) => tag.trim().slice(0, MAX_TAG_LENGTH))
    .filter((tag) => tag !== '')
  return [...new Set(tags)].slice(0, MAX_TAGS)
}

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i])
}

/** The fields the agent changed, and only those (customers.update sends a partial change). */
function changesFrom(customer: CustomerRecord, form: { name: string; city: string; notes: string; tags: string }): CustomerChanges {
  const changes: CustomerChanges = {}
  const name = form.name.trim()
  if (name !== customer.name) changes.name = name
  const city = form.city.trim() === '' ? null : form.city.trim()
  if (city !== customer.city) changes.city = city
  if (form.notes !== customer.notes) changes.notes = form.notes
  const tags = parseTags(form.tags)
  if (!sameTags(tags, customer.tags)) changes.tags = tags
  return changes
}

export function CustomerEditForm({ customer, onDone }: { customer: CustomerRecord; onDone(): void }) {
  const { t } = useTranslation()
  const saving = useCustomersStore((s) => s.saving)
  const saveError = useCustomersStore((s) => s.saveError)
  const update = useCustomersStore((s) => s.update)
  const [form, setForm] = useState({ name: customer.name, city: customer.city ?? '', notes: customer.notes, tags: customer.tags.join(', ') })
  const [nameMissing, setNameMissing] = useState(false)

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    if (form.name.trim() === '') {
      setNameMissing(true)
      return
    }
    const changes = changesFrom(customer, form)
    if (Object.keys(changes).length === 0) {
      onDone()
      return
    }
    if (await update(changes)) {
      showToast(t('customers.saved'))
      onDone()
    }
  }

  return (
    <form className="customer-edit-form" data-testid="customer-edit-form" onSubmit={(event) => void submit(event)} noValidate>
      <label className="field">
        <span className="field-label">{t('customers.fields.name')}</span>
        <input
          data-testid="customer-edit-name"
          value={form.name}
          maxLength={200}
          autoFocus
          aria-invalid={nameMissing}
          onChange={(event) => {
            setNameMissing(false)
            setForm({ ...form, name: event.target.value })
          }}
        />
        {nameMissing && <span className="inline-error">{t('customers.nameRequired')}</span>}
      </label>
      <label className="field">
        <span className="field-label">{t('customers.fields.city')}</span>
        <input data-testid="customer-edit-city" value={form.city} maxLength={100} onChange={(event) => setForm({ ...form, city: event.target.value })} />
      </label>
      <label className="field">
        <span className="field-label">
          {t('customers.fields.tags')} <span className="muted">({t('customers.tagsHint')})</span>
        </span>
        <input data-testid="customer-edit-tags" value={form.tags} onChange={(event) => setForm({ ...form, tags: event.target.value })} />
      </label>
      <label className="field field--wide">
        <span className="field-label">{t('customers.fields.notes')}</span>
        <textarea className="textarea" data-testid="customer-edit-notes" rows={4} maxLength={10_000} value={form.notes} onChange={(event) => setForm({ ...form, notes: event.target.value })} />
      </label>
      {saveError && (
        <p className="form-error field--wide" role="alert">
          {t('customers.saveFailed', { error: errorText(t, saveError) })}
        </p>
      )}
      <div className="form-actions field--wide">
        <button type="submit" className="button button--primary" data-testid="customer-save" disabled={saving}>
          {saving ? t('customers.saving') : t('customers.save')}
        </button>
        <button type="button" className="button" data-testid="customer-cancel" onClick={onDone} disabled={saving}>
          {t('customers.cancel')}
        </button>
      </div>
    </form>
  )
}
