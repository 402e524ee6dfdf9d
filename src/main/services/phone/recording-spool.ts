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

/** durationSec −1: not known yet (the audio can be complete before the call has ended). */
const MetaSchema = z.object({ callId: z.string(), mime: z.string(), durationSec: z.number().int().min(-1) })
type RecordingMeta = z.infer<typeof MetaSchema>

export interface RecordingUploader {
  upload(callId: string, segment: number, mime: string, durationSec: number, data: Uint8Array): Promise<void>
}

/** One recording in progress: the segment it writes and the chunk it expects next. */
interface OpenSegment {
  recordingId: string
  segment: number
  seq: number
  mime: string
}

export class RecordingSpool {
  /** The next chunk each recording in progress expects; a gap or a repeat is refused. */
  private readonly open = new Map<string, OpenSegment>()
  private readonly appending = new Map<string, Promise<void>>()
  /** Calls with a finished segment: the segment the call's next recording writes, and the recorders that are done. */
  private readonly finished = new Map<string, { nextSegment: number; recordings: Set<string> }>()
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

  /**
   * `phone.recordingChunk`: appends a chunk as the engine records it (so a crash of the page keeps
   * what it had sent); the last one completes the segment.
   */
  append(chunk: RecordingChunkInput, knownCall: boolean): Promise<void> {
    if (!knownCall) return Promise.reject(new AppError('not_found', `No call ${chunk.callId} is being recorded`))
    return this.serially(chunk.callId, () => this.appendInOrder(chunk))
  }

  /**
   * One change to a call's recording at a time: two copies of a chunk arriving together must not
   * both pass the order check, and a seal must not land in the middle of an append.
   */
  private serially(callId: string, work: () => Promise<void>): Promise<void> {
    const next = (this.appending.get(callId) ?? Promise.resolve()).then(work)
    const settled = next.catch(() => undefined)
    this.appending.set(callId, settled)
    void settled.then(() => {
      if (this.appending.get(callId) === settled) this.appending.delete(callId)
    })
    return next
  }

  private async appendInOrder(chunk: RecordingChunkInput): Promise<void> {
    const done = this.finished.get(chunk.callId)
    if (done?.recordings.has(chunk.recordingId)) throw new AppError('conflict', 'This recording has ended')
    let state = this.open.get(chunk.callId)
    if (state && state.recordingId !== chunk.recordingId) {
      // A new recorder for the call (its page was replaced): the previous one ends where it got to.
      if (chunk.seq !== 0) throw new AppError('conflict', 'This recording was replaced by a newer one')
      await this.complete(chunk.callId)
      state = undefined
    }
    state ??= { recordingId: chunk.recordingId, segment: this.finished.get(chunk.callId)?.nextSegment ?? 0, seq: 0, mime: chunk.mime }
    if (chunk.seq !== state.seq) throw new AppError('conflict', `Recording chunk ${chunk.seq} arrived, ${state.seq} was expected`)
    if (chunk.mime !== state.mime) throw new AppError('invalid_argument', 'A recording cannot change its type midway')
    const data = Buffer.from(chunk.dataBase64, 'base64')
    await mkdir(this.dir, { recursive: true })
    await appendFile(this.partFile(chunk.callId, state.segment), data, { mode: 0o600 })
    this.open.set(chunk.callId, { ...state, seq: state.seq + 1 })
    if (chunk.last) await this.complete(chunk.callId)
  }

  /**
   * The engine recording this call is gone (the page crashed or was reloaded): what it sent is
   * kept as one segment, and the call's next recording writes the next segment.
   */
  seal(callId: string): Promise<void> {
    return this.serially(callId, () => this.complete(callId))
  }

  /** The call ended: its duration goes with the upload. Either this or the last chunk may come first. */
  async describe(callId: string, durationSec: number): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    await this.writeMeta({ callId, mime: '', durationSec })
    void this.flush()
  }

  /** Calls with audio waiting for the server. */
  async pending(): Promise<number> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    return new Set(names.flatMap((n) => audioFileName(n)?.callId ?? [])).size
  }

  private async complete(callId: string): Promise<void> {
    const state = this.open.get(callId)
    if (!state) return
    this.open.delete(callId)
    const done = this.finished.get(callId) ?? { nextSegment: 0, recordings: new Set<string>() }
    done.nextSegment = state.segment + 1
    done.recordings.add(state.recordingId)
    this.finished.set(callId, done)
    if ((await stat(this.partFile(callId, state.segment)).catch(() => null))?.size) {
      await rename(this.partFile(callId, state.segment), this.dataFile(callId, state.segment))
      await this.writeMeta({ callId, mime: state.mime, durationSec: -1 })
    } else {
      await rm(this.partFile(callId, state.segment), { force: true })
    }
    void this.flush()
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
    const files = names.flatMap((n) => audioFileName(n) ?? []).sort((x, y) => x.callId.localeCompare(y.callId) || x.segment - y.segment)
    let failed = false
    for (const { callId, segment } of files) {
      const meta = await this.readMeta(callId)
      // Both halves are needed: the audio (from the engine) and the duration (from the call's end).
      if (!meta || !meta.mime || meta.durationSec < 0) continue
      try {
        const data = await readFile(this.dataFile(callId, segment))
        await this.uploader.upload(callId, segment, meta.mime, meta.durationSec, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
        await rm(this.dataFile(callId, segment), { force: true })
        await this.forgetIfDone(callId)
      } catch (err) {
        const transient = !(err instanceof AppError) || ['offline', 'timeout', 'unauthenticated', 'token_expired', 'internal', 'unavailable'].includes(err.code)
        if (transient) failed = true
        else await this.setAside(callId, segment)
        if (!(err instanceof AppError && (err.code === 'offline' || err.code === 'timeout'))) this.onError(err)
      }
    }
    this.onPendingChanged(await this.pending())
    if (failed && !this.closed) this.retryTimer = setTimeout(() => void this.flush(), RETRY_MS)
  }

  /** The call's meta goes once no segment of it is left to record or upload. */
  private async forgetIfDone(callId: string): Promise<void> {
    if (this.open.has(callId)) return
    const names = await readdir(this.dir).catch(() => [] as string[])
    const prefix = `${safe(callId)}.`
    if (names.some((n) => n.startsWith(prefix) && (n.endsWith('.audio') || n.endsWith('.part')))) return
    await rm(this.metaFile(callId), { force: true })
    this.finished.delete(callId)
  }

  /** The server refused it for good (empty, too large, another recording of the call): keep it, stop retrying. */
  private async setAside(callId: string, segment: number): Promise<void> {
    await rename(this.dataFile(callId, segment), join(this.dir, `${safe(callId)}.${segment}.refused`)).catch(() => undefined)
    await this.forgetIfDone(callId)
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

  /** Whether a finished recording (segment) of this call is still waiting (for tests and the call log). */
  async has(callId: string, segment = 0): Promise<boolean> {
    return stat(this.dataFile(callId, segment)).then(() => true, () => false)
  }

  private partFile(callId: string, segment: number): string {
    return join(this.dir, `${safe(callId)}.${segment}.part`)
  }
  private dataFile(callId: string, segment: number): string {
    return join(this.dir, `${safe(callId)}.${segment}.audio`)
  }
  private metaFile(callId: string): string {
    return join(this.dir, `${safe(callId)}.json`)
  }
}

function safe(callId: string): string {
  return callId.replace(/[^\w-]/g, '_')
}

/** `<call>.<segment>.audio`: a finished segment waiting for the server (call ids have no dots). */
function audioFileName(name: string): { callId: string; segment: number } | null {
  const m = /^([\w-]+)\.(\d{1,3})\.audio$/.exec(name)
  return m ? { callId: m[1]!, segment: Number(m[2]) } : null
}
