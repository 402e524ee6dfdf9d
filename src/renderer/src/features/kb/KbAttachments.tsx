import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { AttachmentRef } from '../../../../shared/domain/conversations'
import type { AppError } from '../../../../shared/errors'
import type { AttachmentContent } from '../../../../shared/ipc/attachment-views'
import { getAgentApi } from '../../api/agent-api-client'
import { toAppError } from '../../api/app-error'
import { errorText } from '../../i18n/error-text'
import { canPreview, formatSize, iconKind, previewUrl, saveFile, typeLabel } from './attachment-files'

/** The article's files: icon, name, size; open to download, pictures preview inline. Works offline once synced. */
export function KbAttachments({ attachments }: { attachments: AttachmentRef[] }) {
  const { t } = useTranslation()
  if (attachments.length === 0) return null
  return (
    <section className="kb-attachments" data-testid="kb-attachments" aria-label={t('kbFiles.title')}>
      <h4 className="kb-attachments-title">
        {t('kbFiles.title')} <span className="muted">({attachments.length})</span>
      </h4>
      <ul className="kb-attachment-list">
        {attachments.map((attachment) => (
          <AttachmentItem key={attachment.id} attachment={attachment} />
        ))}
      </ul>
    </section>
  )
}

function AttachmentItem({ attachment }: { attachment: AttachmentRef }) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<AppError | null>(null)
  const [preview, setPreview] = useState<string | null>(null)

  async function load(): Promise<AttachmentContent | null> {
    setBusy(true)
    setError(null)
    try {
      return await getAgentApi().invoke('attachments.get', { id: attachment.id })
    } catch (err) {
      setError(toAppError(err))
      return null
    } finally {
      setBusy(false)
    }
  }

  async function download(): Promise<void> {
    const file = await load()
    if (file) saveFile(file)
  }

  async function togglePreview(): Promise<void> {
    if (preview) return setPreview(null)
    const file = await load()
    if (file) setPreview(previewUrl(file))
  }

  return (
    <li className="kb-attachment" data-testid="kb-attachment" data-id={attachment.id}>
      <div className="kb-attachment-row">
        <span className={`file-icon file-icon--${iconKind(attachment.mime)}`} aria-hidden="true">
          {typeLabel(attachment.name, attachment.mime)}
        </span>
        <span className="kb-attachment-name" title={attachment.name}>
          {attachment.name}
        </span>
        <span className="kb-attachment-size muted">{formatSize(attachment.size)}</span>
        {canPreview(attachment.mime) && (
          <button type="button" className="button button--small button--ghost" data-testid="kb-attachment-preview" disabled={busy} onClick={() => void togglePreview()}>
            {preview ? t('kbFiles.hidePreview') : t('kbFiles.preview')}
          </button>
        )}
        <button type="button" className="button button--small" data-testid="kb-attachment-download" disabled={busy} onClick={() => void download()}>
          {busy ? t('kbFiles.opening') : t('kbFiles.download')}
        </button>
      </div>
      {error && (
        <p className="inline-error" role="alert" data-testid="kb-attachment-error">
          {t('kbFiles.failed', { error: errorText(t, error) })}
        </p>
      )}
      {preview && <img className="kb-attachment-preview" src={preview} alt={t('kbFiles.previewAlt', { name: attachment.name })} data-testid="kb-attachment-image" />}
    </li>
  )
}
