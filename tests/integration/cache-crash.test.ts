/**
 * A local action and its outbox operation are one transaction: killed in the middle of writing
 * 1,000 notes (the whole process, or only the cache worker), the file afterwards holds every
 * note together with its operation and neither without the other.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LocalCache } from '../../src/main/services/cache/local-cache'
import { openLocalCache, WorkerLocalCache } from '../../src/main/services/cache/open-local-cache'
import type { Operation } from '../../src/shared/protocol/sync'
import { demoChanges, pagesOf } from '../support/dataset-changes'

const ROOT = resolve(import.meta.dirname, '../..')
const NOTES = 1_000
const CRASH_AGENT = { id: 'agent-crash', name: '崩溃测试' }
/** Notes are dated after every seeded interaction, so each card's newest 50 show all of them. */
const NOTE_TIME = Date.UTC(2031, 0, 1)
const data = demoChanges({ customers: 100, articles: 10 })
const customerIds = data.customers.map((c) => c.id)

let dir: string

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cache-crash-'))
  const cache = await openLocalCache({ dir, agentId: CRASH_AGENT.id })
  for (const page of pagesOf(data.changes, 1000)) await cache.applyChanges(page.changes, page.cursor)
  await cache.close()
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function noteOp(i: number): Extract<Operation, { type: 'customer.note' }> {
  return { id: randomUUID(), type: 'customer.note', payload: { customerId: customerIds[i % customerIds.length]!, noteId: randomUUID(), text: `崩溃测试备注 ${i}` }, createdAt: NOTE_TIME + i }
}

/** Notes on the cards and note operations in the outbox, by note id. */
async function notesAndOps(cache: LocalCache): Promise<{ notes: Set<string>; ops: Set<string> }> {
  const notes = new Set<string>()
  for (const id of customerIds) {
    const card = await cache.getCustomer(id)
    for (const interaction of card?.interactions ?? []) if (interaction.agentName === CRASH_AGENT.name) notes.add(interaction.id)
  }
  const ops = new Set<string>()
  for (const queued of await cache.nextOperations(10_000)) if (queued.op.type === 'customer.note') ops.add(queued.op.payload.noteId)
  return { notes, ops }
}

/** The writer in a child process: `node --import tsx`, printing progress every 50 notes. */
function writerScript(): string {
  const module = pathToFileURL(join(ROOT, 'src/main/services/cache/open-local-cache.ts')).href
  return `
    import { randomUUID } from 'node:crypto'
    import { openLocalCache } from ${JSON.stringify(module)}
    const customers = ${JSON.stringify(customerIds)}
    const cache = await openLocalCache({ dir: ${JSON.stringify(dir)}, agentId: ${JSON.stringify(CRASH_AGENT.id)} })
    for (let i = 0; i < ${NOTES}; i++) {
      const op = { id: randomUUID(), type: 'customer.note', payload: { customerId: customers[i % customers.length], noteId: randomUUID(), text: '崩溃测试备注 ' + i }, createdAt: ${NOTE_TIME} + i }
      await cache.addNote(op, ${JSON.stringify(CRASH_AGENT)})
      if (i % 50 === 49) console.log('written ' + (i + 1))
    }
    console.log('finished')
  `
}

describe('one transaction per local action', () => {
  it('survives a SIGKILL of the whole process in the middle of writing 1,000 notes', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writerScript()], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const killedAfter = await new Promise<number>((resolveKill, reject) => {
      const timer = setTimeout(() => reject(new Error(`writer made no progress: ${stderr}`)), 60_000)
      child.stdout.on('data', (chunk: Buffer) => {
        const match = /written (\d+)/.exec(chunk.toString())
        if (match && Number(match[1]) >= 200) {
          clearTimeout(timer)
          child.kill('SIGKILL')
          resolveKill(Number(match[1]))
        }
      })
      child.on('exit', () => reject(new Error(`writer exited before the kill: ${stderr}`)))
    })
    await new Promise((r) => child.once('close', r))
    expect(child.signalCode).toBe('SIGKILL')

    const cache = await openLocalCache({ dir, agentId: CRASH_AGENT.id })
    expect(cache.report.movedAsideTo).toBeNull()
    const { notes, ops } = await notesAndOps(cache)
    await cache.close()
    expect(notes.size).toBeGreaterThanOrEqual(killedAfter)
    expect(notes.size).toBeLessThan(NOTES)
    expect([...notes].sort()).toEqual([...ops].sort())
  })

  it('survives the cache worker dying in the middle of 1,000 notes, and carries on', async () => {
    const cache = await WorkerLocalCache.open({ dir, agentId: CRASH_AGENT.id })
    const ops = Array.from({ length: NOTES }, (_, i) => noteOp(i))
    let resolved = 0
    const calls = ops.map((op) =>
      cache.addNote(op, CRASH_AGENT).then(() => {
        resolved++
        if (resolved === 300) void cache.killWorkerForTesting()
      }),
    )
    const settled = await Promise.allSettled(calls)
    const done = ops.filter((_, i) => settled[i]!.status === 'fulfilled').map((op) => op.payload.noteId)
    const failed = settled.filter((s) => s.status === 'rejected')
    expect(done.length).toBeGreaterThanOrEqual(300)
    expect(failed.length).toBeGreaterThan(0)
    for (const f of failed) expect((f as PromiseRejectedResult).reason).toMatchObject({ code: 'internal' })

    // The next call starts a new worker on the same file.
    const after = await notesAndOps(cache)
    expect([...after.notes].sort()).toEqual([...after.ops].sort())
    for (const id of done) expect(after.notes.has(id)).toBe(true)
    // At most the one call the worker was running when it died may have committed without its answer.
    expect(after.notes.size - done.length).toBeLessThanOrEqual(1)
    await cache.addNote(noteOp(NOTES), CRASH_AGENT)
    expect((await cache.outboxStatus()).pending).toBe(after.ops.size + 1)
    await cache.close()
  })
})
