import { performance } from 'node:perf_hooks'

/** What one round (one emit, fanned out to every listener) measured. */
export interface RoundOutcome {
  /** emit → receipt, ms, one per listener that received it. */
  delays: number[]
  /** emit → the last listener's receipt (NaN when some listener missed it). */
  allMs: number
  /** emit → the emitter's ack. */
  ackMs: number
  missed: number
}

/**
 * Times rounds of "one emit, N listeners receive it". Listeners report each event through
 * `receive`; only the first matching event per listener per round counts.
 */
export class RoundTracker<P> {
  /** Events that arrived while no round was open or that did not match the open round. */
  stray = 0
  duplicates = 0
  /** What the stray events were (described by `describe`), with counts. */
  readonly strayKinds = new Map<string, number>()
  private rounds = 0
  private current:
    | { matches: (payload: P) => boolean; startedAt: number; received: Float64Array; count: number; complete: () => void }
    | undefined

  constructor(
    readonly listeners: number,
    private readonly describe: (payload: P) => string = () => 'event',
  ) {}

  receive(listener: number, payload: P): void {
    const at = performance.now()
    const round = this.current
    if (!round || !round.matches(payload)) {
      this.stray++
      const kind = `${this.describe(payload)}, ${round ? 'during' : 'after'} round ${this.rounds}`
      if (this.strayKinds.size < 20 || this.strayKinds.has(kind)) this.strayKinds.set(kind, (this.strayKinds.get(kind) ?? 0) + 1)
      return
    }
    if (!Number.isNaN(round.received[listener])) {
      this.duplicates++
      return
    }
    round.received[listener] = at - round.startedAt
    round.count++
    if (round.count === this.listeners) round.complete()
  }

  /**
   * Opens a round, calls `emit` (which resolves when the emitter's ack arrives) and waits until
   * every listener got a matching event, or `timeoutMs`.
   */
  async run(emit: () => Promise<void>, matches: (payload: P) => boolean, timeoutMs: number): Promise<RoundOutcome> {
    let complete!: () => void
    const allReceived = new Promise<void>((resolve) => (complete = resolve))
    const received = new Float64Array(this.listeners).fill(Number.NaN)
    const round = { matches, startedAt: 0, received, count: 0, complete }
    this.current = round
    this.rounds++
    let timer: NodeJS.Timeout | undefined
    try {
      round.startedAt = performance.now()
      let ackError: unknown
      const acked = emit().then(
        () => performance.now() - round.startedAt,
        (err: unknown) => {
          ackError = err ?? new Error('emit failed')
          return Number.NaN
        },
      )
      const timedOut = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))
      await Promise.race([allReceived, timedOut])
      const ackMs = await Promise.race([acked, timedOut.then(() => Number.NaN)])
      if (ackError !== undefined) throw ackError
      const delays = Array.from(received).filter((d) => !Number.isNaN(d))
      return {
        delays,
        allMs: round.count === this.listeners ? Math.max(...delays) : Number.NaN,
        ackMs,
        missed: this.listeners - round.count,
      }
    } finally {
      clearTimeout(timer)
      this.current = undefined
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Waits until `lastEventAt()` is at least `quietMs` in the past (at most `maxMs`). */
export async function settle(lastEventAt: () => number, quietMs: number, maxMs: number): Promise<number> {
  const started = performance.now()
  while (performance.now() - started < maxMs) {
    const idle = performance.now() - lastEventAt()
    if (idle >= quietMs) break
    await sleep(quietMs - idle)
  }
  return performance.now() - started
}
