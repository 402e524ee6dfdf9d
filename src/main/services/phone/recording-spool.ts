/**
 * Call recordings on their way to the server. The media engine streams each recording in chunks
 * as it ends; they are appended to a file under the desktop's data folder, and the file is kept
 * until the server has acknowledged it (uploads retry while offline and after a restart).
 */
import { mkdir, readdir, readFile, rename, rm, appendFile, writeFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { RecordingChunkInput } from '../../../shared/ipc/phone-media'

const RETRY_MS = 30_000

const MetaSchema = z.object({ callId: z.string(), mime: z.string(), durationSec: z.number().int().nonnegative() })
type RecordingMeta = z.infer<typeof MetaSchema>

export interface RecordingUploader {
  upload(callId: string, mime: string, durationSec: number, data: Uint8Array): Promise<void>
}

export class RecordingSpool {
  /** The next chunk each recording in progress expects; a gap or a repeat is refused. */
  private readonly expected = new Map<string, { seq: number; mime: string }>()
  private uploading: Promise<void> | null = null
  /** A flush asked for while one runs: what it adds may have been passed over, so run again. */
  private flushAgain = false
  /** The audio and the duration are written by different callers: one write of a meta file at a time. */
  private metaWrites: Promise<void> = Promise.resolve()
  private retryTimer: ReturnType<typeof setTimeout> | undefined
  private closed = false

  constructor(
    private readonly dir: string,
    private readonly uploader: RecordingUploader,
    private readonly onPendingChanged: (pending: number) => void = () => undefined,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  /** `phone.recordingChunk`: appends a chunk; the last one completes the file. */
  async append(chunk: RecordingChunkInput, knownCall: boolean): Promise<void> {
    if (!knownCall) throw new AppError('not_found', `No call ${chunk.callId} is being recorded`)
    const state = this.expected.get(chunk.callId) ?? { seq: 0, mime: chunk.mime }
    if (chunk.seq !== state.seq) throw new AppError('conflict', `Recording chunk ${chunk.seq} arrived, ${state.seq} was expected`)
    if (chunk.mime !== state.mime) throw new AppError('invalid_argument', 'A recording cannot change its type midway')
    const data = Buffer.from(chunk.dataBase64, 'base64')
    await mkdir(this.dir, { recursive: true })
    await appendFile(this.partFile(chunk.callId), data, { mode: 0o600 })
    this.expected.set(chunk.callId, { seq: state.seq + 1, mime: state.mime })
    if (!chunk.last) return
    this.expected.delete(chunk.callId)
    await rename(this.partFile(chunk.callId), this.dataFile(chunk.callId))
    await this.writeMeta({ callId: chunk.callId, mime: chunk.mime, durationSec: -1 })
    void this.flush()
  }

  /** The call ended: its duration goes with the upload. Either this or the last chunk may come first. */
  async describe(callId: string, durationSec: number): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await this.writeMeta({ callId, mime: '', durationSec })
    void this.flush()
  }

  async pending(): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    return names.filter((n) => n.endsWith('.audio')).length
  }

  /** Uploads every complete recording; keeps what fails for the next try. */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve()
    if (this.uploading) {
      this.flushAgain = true
      return this.uploading
    }
    this.uploading = this.uploadAll().finally(() => {
      this.uploading = null
      if (this.flushAgain) {
        this.flushAgain = false
        void this.flush()
      }
    })
    return this.uploading
  }

  close(): void {
    this.closed = true
    clearTimeout(this.retryTimer)
  }

  private async uploadAll(): Promise<void> {
    clearTimeout(this.retryTimer)
    const names = await readdir(this.dir).catch(() => [] as string[])
    let failed = false
    for (const name of names.filter((n) => n.endsWith('.audio'))) {
      const callId = name.slice(0, -'.audio'.length)
      const meta = await this.readMeta(callId)
      // Both halves are needed: the audio (from the engine) and the duration (from the call's end).
      if (!meta || !meta.mime || meta.durationSec < 0) continue
      try {
        const data = await readFile(this.dataFile(callId))
        await this.uploader.upload(callId, meta.mime, meta.durationSec, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        await rm(this.dataFile(callId), { force: true })
        await rm(this.metaFile(callId), { force: true })
      } catch (err) {
        const transient = !(err instanceof AppError) || ['offline', 'timeout', 'unauthenticated', 'token_expired', 'internal', 'unavailable'].includes(err.code)
        if (transient) failed = true
        else await this.setAside(callId)
        if (!(err instanceof AppError && (err.code === 'offline' || err.code === 'timeout'))) this.onError(err)
      }
    }
    this.onPendingChanged(await this.pending())
    if (failed && !this.closed) this.retryTimer = setTimeout(() => void this.flush(), RETRY_MS)
  }

  /** The server refused it for good (empty, too large, another recording of the call): keep it, stop retrying. */
  private async setAside(callId: string): Promise<void> {
    await rename(this.dataFile(callId), join(this.dir, `${safe(callId)}.refused`)).catch(() => undefined)
    await rm(this.metaFile(callId), { force: true })
  }

  private writeMeta(patch: RecordingMeta): Promise<void> {
    const next = this.metaWrites.then(() => this.mergeMeta(patch))
    this.metaWrites = next.catch(() => undefined)
    return next
  }

  private async mergeMeta(patch: RecordingMeta): Promise<void> {
    const current = await this.readMeta(patch.callId)
    const merged: RecordingMeta = {
      callId: patch.callId,
      mime: patch.mime || current?.mime || '',
      durationSec: patch.durationSec >= 0 ? patch.durationSec : (current?.durationSec ?? -1),
    }
    const tmp = `${this.metaFile(patch.callId)}.tmp`
    await writeFile(tmp, JSON.stringify(merged), { mode: 0o600 })
    await rename(tmp, this.metaFile(patch.callId))
  }

  private async readMeta(callId: string): Promise<RecordingMeta | null> {
    try {
      const parsed = MetaSchema.safeParse(JSON.parse(await readFile(this.metaFile(callId), 'utf8')))
      return parsed.success ? parsed.data : null
    } catch {
      return null
    }
  }

  /** Whether a finished recording of this call is still waiting (for tests and the call log). */
  async has(callId: string): Promise<boolean> {
    return stat(this.dataFile(callId)).then(() => true, () => false)
  }

  private partFile(callId: string): string {
    return join(this.dir, `${safe(callId)}.part`)
  }
  private dataFile(callId: string): string {
    return join(this.dir, `${safe(callId)}.audio`)
  }
  private metaFile(callId: string): string {
    return join(this.dir, `${safe(callId)}.json`)
  }
}

function safe(callId: string): string {
  return callId.replace(/[^\w-]/g, '_')
}
