/**
 * Attachments and KB history for the signed-in agent. KB files are downloaded after each sync
 * while online and kept in the cache, so an article's files open offline; other files are fetched
 * when first opened and kept too. Uploads and a first look at an article's history need the server.
 */
import type { AttachmentRef } from '../../../shared/domain/conversations'
import { AppError } from '../../../shared/errors'
import type { AttachmentContent } from '../../../shared/ipc/attachment-views'
import type { KbArticleHistory } from '../../../shared/protocol/kb-api'
import type { LocalCache } from '../cache/local-cache'
import type { ServerFiles } from '../connection/server-files'
import { CoalescedRunner } from '../sync/coalesced-runner'

/** Files fetched per round of the prefetch; each round asks the cache again what is missing. */
const PREFETCH_BATCH = 20

export class KbFiles {
  private readonly prefetcher = new CoalescedRunner(() => this.prefetchMissing(), () => this.isOnline())
  /** Ids the server refused (gone, not allowed): not asked for again in this session. */
  private readonly refused = new Set<string>()

  constructor(
    private readonly cache: LocalCache,
    private readonly files: ServerFiles,
    private readonly isOnline: () => boolean,
    /** After a prefetch round stored files: views showing attachments may now open them offline. */
    private readonly onStored: () => void = () => undefined,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** Downloads the KB files the cache lacks; safe to call often (runs are coalesced). */
  prefetch(): Promise<void> {
    return this.prefetcher.request()
  }

  async get(id: string): Promise<AttachmentContent> {
    const cached = await this.cache.attachmentFile(id)
    if (cached) return cached
    if (!this.isOnline()) throw new AppError('offline', 'This file has not been downloaded to this computer yet; open it again when online')
    const file = await this.files.download(id)
    await this.cache.storeAttachmentFile({ id: file.id, name: file.name, mime: file.mime, size: file.size }, file.data)
    return { id: file.id, name: file.name, mime: file.mime, size: file.size, dataBase64: Buffer.from(file.data).toString('base64') }
  }

  async upload(name: string, mime: string, dataBase64: string): Promise<AttachmentRef> {
    if (!this.isOnline()) throw new AppError('offline', 'Files can only be uploaded while connected to the server')
    const data = new Uint8Array(Buffer.from(dataBase64, 'base64'))
    const ref = await this.files.upload(name, mime, data)
    // Kept here too, so the sender opens their own file without downloading it again.
    await this.cache.storeAttachmentFile(ref, data).catch(this.onError)
    return ref
  }

  /** Fresh from the server when online (and kept); the kept copy when offline or the server fails. */
  async versions(articleId: string): Promise<KbArticleHistory> {
    if (this.isOnline()) {
      try {
        const history = await this.files.kbVersions(articleId)
        await this.cache.storeKbVersions(history)
        return history
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'offline' && err.code !== 'timeout')) throw err
      }
    }
    const kept = await this.cache.kbVersions(articleId)
    if (kept) return kept
    throw new AppError('offline', 'The history of this article has not been loaded on this computer yet; open it again when online')
  }

  private async prefetchMissing(): Promise<void> {
    for (;;) {
      if (!this.isOnline()) return
      const missing = (await this.cache.missingKbAttachments(PREFETCH_BATCH + this.refused.size)).filter((ref) => !this.refused.has(ref.id))
      if (missing.length === 0) return
      let stored = 0
      try {
        for (const ref of missing.slice(0, PREFETCH_BATCH)) {
          try {
            const file = await this.files.download(ref.id)
            await this.cache.storeAttachmentFile(ref, file.data)
            stored++
          } catch (err) {
            // Offline: the next sync tries again. Anything else (removed, a size mismatch): skip it for now.
            if (err instanceof AppError && (err.code === 'offline' || err.code === 'timeout')) return
            this.refused.add(ref.id)
            this.onError(err)
          }
        }
      } finally {
        if (stored > 0) this.onStored()
      }
    }
  }
}
