/**
 * Call recordings on the server: one per call, written once. A desktop retries an upload until it
 * hears back, so the same bytes again are acknowledged; different bytes for the same call are a
 * conflict, never a silent overwrite.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'

/** An hour of opus at 32 kbit/s is ~14 MB; the limit leaves room for long calls and other codecs. */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024
export const RECORDING_TYPES = ['audio/webm', 'audio/ogg'] as const

export interface RecordingInfo {
  callId: string
  agentId: string
  mime: string
  size: number
  sha256: string
  durationSec: number
  uploadedAt: number
}

export class RecordingStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(input: { callId: string; agentId: string; mime: string; durationSec: number; data: Uint8Array }): Promise<{ info: RecordingInfo; created: boolean }> {
    if (input.data.byteLength === 0) throw new AppError('invalid_argument', 'The recording is empty')
    if (input.data.byteLength > MAX_RECORDING_BYTES) throw new AppError('payload_too_large', 'The recording is too large')
    const sha256 = createHash('sha256').update(input.data).digest('hex')
    const existing = await this.info(input.callId)
    if (existing) {
      if (existing.sha256 === sha256 && existing.agentId === input.agentId) return { info: existing, created: false }
      throw new AppError('conflict', 'This call already has a different recording')
    }
    const uploadedAt = Date.now()
    await this.db
      .insertInto('call_recordings')
      .values({ call_id: input.callId, agent_id: input.agentId, mime: input.mime, size: input.data.byteLength, sha256, duration_sec: input.durationSec, data: input.data, uploaded_at: uploadedAt })
      .onConflict((oc) => oc.column('call_id').doNothing())
      .execute()
    const stored = await this.info(input.callId)
    if (!stored || stored.sha256 !== sha256) throw new AppError('conflict', 'This call already has a different recording')
    return { info: stored, created: true }
  }

  async info(callId: string): Promise<RecordingInfo | null> {
    const row = await this.db
      .selectFrom('call_recordings')
      .select(['call_id', 'agent_id', 'mime', 'size', 'sha256', 'duration_sec', 'uploaded_at'])
      .where('call_id', '=', callId)
      .executeTakeFirst()
    return row ? { callId: row.call_id, agentId: row.agent_id, mime: row.mime, size: Number(row.size), sha256: row.sha256, durationSec: Number(row.duration_sec), uploadedAt: Number(row.uploaded_at) } : null
  }

  async data(callId: string): Promise<Uint8Array | null> {
    const row = await this.db.selectFrom('call_recordings').select('data').where('call_id', '=', callId).executeTakeFirst()
    return row ? new Uint8Array(row.data) : null
  }
}
