/**
 * The desktop's recording spool on real files: chunks in order (also when copies race), one
 * segment per recorder, and an upload only once both the audio and the call's duration are known.
 * The uploader records what it is given (the real server is in softphone-main.test.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { RecordingSpool } from '../../src/main/services/phone/recording-spool'
import type { RecordingChunkInput } from '../../src/shared/ipc/phone-media'

interface Upload {
  callId: string
  segment: number
  mime: string
  durationSec: number
  text: string
}

const chunk = (callId: string, recordingId: string, seq: number, text: string, last = false): RecordingChunkInput => ({
  mediaId: 'engine',
  callId,
  recordingId,
  seq,
  last,
  mime: 'audio/webm',
  dataBase64: Buffer.from(text).toString('base64'),
})

describe('recording spool', () => {
  let dir: string
  let uploads: Upload[]
  let spool: RecordingSpool

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'omni-spool-'))
    uploads = []
    spool = new RecordingSpool(dir, {
      upload: async (callId, segment, mime, durationSec, data) => {
        uploads.push({ callId, segment, mime, durationSec, text: Buffer.from(data).toString() })
      },
    })
  })
  afterEach(() => {
    spool.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('uploads once the audio and the duration are both there, in either order', async () => {
    await spool.append(chunk('c1', 'r1', 0, 'ab'), true)
    await spool.append(chunk('c1', 'r1', 1, 'cd', true), true)
    await spool.describe('c1', 12)
    await spool.describe('c2', 7)
    await spool.append(chunk('c2', 'r2', 0, 'xy', true), true)
    await expect.poll(() => uploads.length).toBe(2)
    expect(uploads).toEqual(
      expect.arrayContaining([
        { callId: 'c1', segment: 0, mime: 'audio/webm', durationSec: 12, text: 'abcd' },
        { callId: 'c2', segment: 0, mime: 'audio/webm', durationSec: 7, text: 'xy' },
      ]),
    )
    await expect.poll(() => readdirSync(dir)).toEqual([])
  })

  it('takes a chunk once when two copies of it arrive together', async () => {
    const results = await Promise.allSettled([spool.append(chunk('c1', 'r1', 0, 'ab'), true), spool.append(chunk('c1', 'r1', 0, 'ab'), true)])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    await expect(spool.append(chunk('c1', 'r1', 2, 'zz'), true)).rejects.toMatchObject({ code: 'conflict' })
    await spool.append(chunk('c1', 'r1', 1, 'cd', true), true)
    await spool.describe('c1', 3)
    await expect.poll(() => uploads.map((u) => u.text)).toEqual(['abcd'])
  })

  it('keeps what a replaced recorder sent as one segment, and the next recorder writes the next', async () => {
    await spool.append(chunk('c1', 'old', 0, 'first-'), true)
    await spool.append(chunk('c1', 'old', 1, 'part'), true)
    // The page was reloaded: its successor starts over with its own recording.
    await expect(spool.append(chunk('c1', 'new', 1, 'x'), true)).rejects.toMatchObject({ code: 'conflict' })
    await spool.append(chunk('c1', 'new', 0, 'whole-'), true)
    await expect(spool.append(chunk('c1', 'old', 2, 'late'), true)).rejects.toMatchObject({ code: 'conflict' })
    await spool.append(chunk('c1', 'new', 1, 'call', true), true)
    await spool.describe('c1', 60)
    await expect.poll(() => uploads.length).toBe(2)
    expect(uploads.sort((a, b) => a.segment - b.segment)).toEqual([
      { callId: 'c1', segment: 0, mime: 'audio/webm', durationSec: 60, text: 'first-part' },
      { callId: 'c1', segment: 1, mime: 'audio/webm', durationSec: 60, text: 'whole-call' },
    ])
    expect(await spool.pending()).toBe(0)
  })

  it('seals a recording whose engine went away, and uploads it when the call ends', async () => {
    await spool.append(chunk('c1', 'r1', 0, 'until-the-crash'), true)
    await spool.seal('c1')
    await spool.seal('c1')
    expect(await spool.pending()).toBe(1)
    expect(uploads).toEqual([])
    await spool.describe('c1', 9)
    await expect.poll(() => uploads).toEqual([{ callId: 'c1', segment: 0, mime: 'audio/webm', durationSec: 9, text: 'until-the-crash' }])
    await expect(spool.append(chunk('c1', 'r1', 1, 'more'), true)).rejects.toMatchObject({ code: 'conflict' })
  })

  it('seals after a chunk still being written, never in the middle of it', async () => {
    const writing = spool.append(chunk('c1', 'r1', 0, 'in-flight'), true)
    const sealing = spool.seal('c1')
    await Promise.all([writing, sealing])
    expect(await spool.has('c1', 0)).toBe(true)
    expect(readdirSync(dir).filter((n) => n.endsWith('.part'))).toEqual([])
    await spool.describe('c1', 4)
    await expect.poll(() => uploads.map((u) => u.text)).toEqual(['in-flight'])
  })

  it('refuses chunks of a call that is not being recorded, and a change of type midway', async () => {
    await expect(spool.append(chunk('c9', 'r1', 0, 'x'), false)).rejects.toMatchObject({ code: 'not_found' })
    await spool.append(chunk('c1', 'r1', 0, 'x'), true)
    await expect(spool.append({ ...chunk('c1', 'r1', 1, 'y'), mime: 'audio/ogg' }, true)).rejects.toMatchObject({ code: 'invalid_argument' })
    expect(readdirSync(dir).sort()).toEqual(['c1.0.part'])
  })
})
