import { spawn, type ChildProcess } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { onCleanup } from './cleanup'

export interface ChildOptions {
  /** Shown in messages and in the collected output. */
  name: string
  args?: string[]
  cwd?: string
  env?: NodeJS.ProcessEnv
}

export interface BenchChild {
  name: string
  process: ChildProcess
  /** performance.now() just before spawn(). */
  spawnedAt: number
  /** Every line the child wrote (stdout and stderr), prefixed with the stream name. */
  output: string[]
  /** Resolves with the first stdout line `match` accepts (and its arrival time), rejecting on exit or timeout. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<{ value: T; at: number }>
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. Safe to call twice. */
  stop(graceMs?: number): Promise<void>
}

/**
 * Starts `node --import tsx <file>`: the TypeScript is run as is, the same way for the system
 * under test and for its baselines. stdin is a pipe the child may watch, so it also ends when
 * the bench dies without cleaning up.
 */
export function spawnTsChild(file: string, options: ChildOptions): BenchChild {
  const spawnedAt = performance.now()
  const proc = spawn(process.execPath, ['--import', 'tsx', file, ...(options.args ?? [])], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  return track(proc, options.name, spawnedAt)
}

/** Wraps an already spawned process (e.g. a build) in the same bookkeeping. */
export function track(proc: ChildProcess, name: string, spawnedAt: number): BenchChild {
  const output: string[] = []
  const lineListeners = new Set<(line: string, at: number) => void>()
  let exited = proc.exitCode !== null || proc.signalCode !== null
  const exitListeners = new Set<(code: number | null, signal: NodeJS.Signals | null) => void>()

  if (proc.stdout) {
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const at = performance.now()
      output.push(`out| ${line}`)
      for (const listener of lineListeners) listener(line, at)
    })
  }
  if (proc.stderr) createInterface({ input: proc.stderr }).on('line', (line) => output.push(`err| ${line}`))
  proc.on('exit', (code, signal) => {
    exited = true
    for (const listener of exitListeners) listener(code, signal)
  })

  const unregister = onCleanup(`${name} (pid ${proc.pid ?? '?'})`, () => stop())

  function stop(graceMs = 3_000): Promise<void> {
    if (exited) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const killTimer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
      const listener = () => {
        clearTimeout(killTimer)
        exitListeners.delete(listener)
        resolve()
      }
      exitListeners.add(listener)
      proc.stdin?.end()
      proc.kill('SIGTERM')
    })
  }

  return {
    name,
    process: proc,
    spawnedAt,
    output,
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs: number) {
      return new Promise<{ value: T; at: number }>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer)
          lineListeners.delete(onLine)
          exitListeners.delete(onExit)
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`${name}: no expected line within ${timeoutMs} ms. Output:\n${output.slice(-20).join('\n')}`))
        }, timeoutMs)
        const onLine = (line: string, at: number) => {
          const value = match(line)
          if (value === undefined) return
          done()
          resolve({ value, at })
        }
        const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
          done()
          reject(new Error(`${name} exited (code ${code}, signal ${signal}) before it was ready. Output:\n${output.slice(-20).join('\n')}`))
        }
        if (exited) {
          onExit(proc.exitCode, proc.signalCode)
          return
        }
        lineListeners.add(onLine)
        exitListeners.add(onExit)
      })
    },
    async stop(graceMs?: number) {
      await stop(graceMs)
      await unregister()
    },
  }
}

/** Parses a stdout line of the form `{"ready": true, ...}` printed by the bench's own children. */
export function readyLine<T extends { ready: true }>(line: string): T | undefined {
  if (!line.startsWith('{')) return undefined
  try {
    const value: unknown = JSON.parse(line)
    if (typeof value === 'object' && value !== null && (value as { ready?: unknown }).ready === true) return value as T
  } catch {
    // Not ours (e.g. a log line).
  }
  return undefined
}
