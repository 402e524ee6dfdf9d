/**
 * Call recordings on the server: one per call, or one per segment when the desktop's media engine
 * was replaced mid-call; each written once. A desktop retries an upload until it hears back, so
 * the same bytes again are acknowledged; different bytes for the same segment are a conflict,
 * never a silent overwrite.
 */
import { createHash } from 'node:crypto'
import type { Kysely } from 'kysely'
import { AppError } from '../../shared/errors'
import type { Database } from '../db/schema'

/** An hour of opus at 32 kbit/s is ~14 MB; the limit leaves room for long calls and other codecs. */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024
export const RECORDING_TYPES = ['audio/webm', 'audio/ogg'] as const
/** Far more engine replacements than one call ever sees. */
export const MAX_RECORDING_SEGMENT = 99

export interface RecordingInfo {
  callId: string
  segment: number
  agentId: string
  mime: string
  size: number
  sha256: string
  durationSec: number
  uploadedAt: number
}

export class RecordingStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(input: { callId: string; segment: number; agentId: string; mime: string; durationSec: number; data: Uint8Array }): Promise<{ info: RecordingInfo; created: boolean }> {
    if (input.data.byteLength === 0) throw new AppError('invalid_argument', 'The recording is empty')
    if (input.data.byteLength > MAX_RECORDING_BYTES) throw new AppError('payload_too_large', 'The recording is too large')
    const sha256 = createHash('sha256').update(input.data).digest('hex')
    const existing = await this.info(input.callId, input.segment)
    if (existing) {
      if (existing.sha256 === sha256 && existing.agentId === input.agentId) return { info: existing, created: false }
      throw new AppError('conflict', 'This call already has a different recording')
    }
    // Segments of one call come from the agent who had the call, never from someone else.
    const owner = await this.db.selectFrom('call_recordings').select('agent_id').where('call_id', '=', input.callId).executeTakeFirst()
    if (owner && owner.agent_id !== input.agentId) throw new AppError('conflict', 'This call already has a different recording')
    const uploadedAt = Date.now()
    await this.db
      .insertInto('call_recordings')
      .values({ call_id: input.callId, segment: input.segment, agent_id: input.agentId, mime: input.mime, size: input.data.byteLength, sha256, duration_sec: input.durationSec, data: input.data, uploaded_at: uploadedAt })
      .onConflict((oc) => oc.columns(['call_id', 'segment']).doNothing())
      .execute()
    const stored = await this.info(input.callId, input.segment)
    if (!stored || stored.sha256 !== sha256) throw new AppError('conflict', 'This call already has a different recording')
    return { info: stored, created: true }
  }

  async info(callId: string, segment = 0): Promise<RecordingInfo | null> {
    const row = await this.db
      .selectFrom('call_recordings')
      .select(['call_id', 'segment', 'agent_id', 'mime', 'size', 'sha256', 'duration_sec', 'uploaded_at'])
      .where('call_id', '=', callId)
      .where('segment', '=', segment)
      .executeTakeFirst()
    return row
      ? { callId: row.call_id, segment: Number(row.segment), agentId: row.agent_id, mime: row.mime, size: Number(row.size), sha256: row.sha256, durationSec: Number(row.duration_sec), uploadedAt: Number(row.uploaded_at) }
      : null
  }

  /** The segments the server has for a call, in order. */
  async segments(callId: string): Promise<number[]> {
    const rows = await this.db.selectFrom('call_recordings').select('segment').where('call_id', '=', callId).orderBy('segment').execute()
    return rows.map((r) => Number(r.segment))
  }

  async data(callId: string, segment = 0): Promise<Uint8Array | null> {
    const row = await this.db.selectFrom('call_recordings').select('data').where('call_id', '=', callId).where('segment', '=', segment).executeTakeFirst()
    return row ? new Uint8Array(row.data) : null
  }
}
