import { createHash, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { AttachmentRef } from '../../shared/domain/conversations'
import type { AttachmentsTable, Database } from '../db/schema'

/** Per file; channels may set a lower limit of their own (QQ images, visitor uploads). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

/**
 * What an agent or a visitor may upload. Executables and HTML are refused: an attachment is opened
 * on other people's machines. Files received by email are kept whatever they are (the customer sent
 * them) but are always served as downloads, never rendered inline.
 */
const UPLOADABLE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
])

export interface NewAttachment {
  name: string
  mime: string
  data: Uint8Array
  source: AttachmentsTable['source']
  uploadedBy?: string | null
}

export interface StoredAttachment extends AttachmentRef {
  data: Uint8Array
  source: AttachmentsTable['source']
}

export function isUploadableType(mime: string): boolean {
  return UPLOADABLE.has(mime.toLowerCase())
}

/** A file name that is safe in a Content-Disposition header and on any file system. */
export function cleanFileName(name: string): string {
  const base = [...name.replace(/^.*[\\/]/, '')].map((ch) => (ch.charCodeAt(0) < 0x20 || ch === '\u007f' || '"<>:|?*'.includes(ch) ? '_' : ch)).join('').trim()
  return (base === '' || base === '.' || base === '..' ? 'attachment' : base).slice(0, 200)
}

export class AttachmentStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
    readonly maxBytes = MAX_ATTACHMENT_BYTES,
  ) {}

  /** `db` may be a transaction, so the file commits with the message that carries it. */
  async save(file: NewAttachment, db: Kysely<Database> = this.db): Promise<AttachmentRef> {
    if (file.data.byteLength === 0) throw new AppError('invalid_argument', 'The file is empty')
    if (file.data.byteLength > this.maxBytes) {
      throw new AppError('payload_too_large', `The file is larger than ${Math.round(this.maxBytes / 1024 / 1024)} MB`, { maxBytes: this.maxBytes })
    }
    if (file.source !== 'customer' && !isUploadableType(file.mime)) {
      throw new AppError('invalid_argument', `Files of type ${file.mime.slice(0, 100)} cannot be sent`)
    }
    const ref: AttachmentRef = { id: randomUUID(), name: cleanFileName(file.name), mime: file.mime.toLowerCase().slice(0, 127), size: file.data.byteLength }
    await db
      .insertInto('attachments')
      .values({
        ...ref,
        sha256: createHash('sha256').update(file.data).digest('hex'),
        data: file.data,
        source: file.source,
        uploaded_by: file.uploadedBy ?? null,
        created_at: this.now(),
      })
      .execute()
    return ref
  }

  async get(id: string): Promise<StoredAttachment | null> {
    if (id.length > 64) return null
    const row = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return null
    return { id: row.id, name: row.name, mime: row.mime, size: row.size, data: new Uint8Array(row.data), source: row.source }
  }

  async refs(ids: readonly string[], db: Kysely<Database> = this.db): Promise<AttachmentRef[]> {
    if (ids.length === 0) return []
    const rows = await db.selectFrom('attachments').select(['id', 'name', 'mime', 'size']).where('id', 'in', ids).execute()
    const byId = new Map(rows.map((r) => [r.id, r]))
    return ids.flatMap((id) => byId.get(id) ?? [])
  }
}
