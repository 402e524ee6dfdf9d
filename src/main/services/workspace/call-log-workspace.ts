/**
 * The call log from the agent's side. The phone records each call when it ends and again when
 * the agent finishes the after-call work (disposition, note): each record is written to the cache
 * with its call.log operation in one transaction, so it works offline and reaches the server,
 * the customer's history and the agent's other desktops once sent. Recording the same call
 * unchanged queues nothing.
 */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { AgentProfile } from '../../../shared/domain/agent'
import type { CallRecord } from '../../../shared/domain/phone'
import { CallLogPayloadSchema, type Operation } from '../../../shared/protocol/sync'
import { parseOrThrow } from '../../../shared/validation'
import type { LocalCache } from '../cache/local-cache'

/** What a recorded call changes, for the views that re-read. */
export const CALL_ENTITIES = ['call']

const LimitSchema = z.number().int().min(1).max(500)

export class CallLogWorkspace {
  constructor(
    private readonly cache: LocalCache,
    private readonly agent: () => AgentProfile,
    /** Announce the queued record and try to send it now. */
    private readonly afterLocalAction: (entities: string[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes (or updates, by call id) the call and queues it for the server. */
  async record(record: CallRecord): Promise<void> {
    const payload = parseOrThrow(CallLogPayloadSchema, record, 'call record')
    const op: Extract<Operation, { type: 'call.log' }> = { id: randomUUID(), type: 'call.log', payload, createdAt: this.now() }
    if (await this.cache.recordCall(op, this.agent().id)) this.afterLocalAction(CALL_ENTITIES)
  }

  /** The agent's calls, newest first (from any of their desktops, once synced). */
  async list(limit = 50): Promise<CallRecord[]> {
    return this.cache.callLog(this.agent().id, parseOrThrow(LimitSchema, limit, 'limit'))
  }
}
