import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100

export interface ProcSample {
  at: number
  /** user + system CPU time, ms. */
  cpuMs: number
  rssMb: number
}

/** CPU time and resident memory of a process, from /proc (undefined elsewhere or once it is gone). */
export function sampleProcess(pid: number | undefined): ProcSample | undefined {
  if (pid === undefined) return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
    return { at: performance.now(), cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rssMb: rssKb / 1024 }
  } catch {
    return undefined
  }
}

/** CPU use between two samples as a share of one core (1 = one core busy all the time). */
export function coresUsed(from: ProcSample | undefined, to: ProcSample | undefined): number {
  if (!from || !to || to.at <= from.at) return Number.NaN
  return (to.cpuMs - from.cpuMs) / (to.at - from.at)
}
