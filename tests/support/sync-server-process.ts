import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CHILD_ENTRY = fileURLToPath(new URL('./sync-server-child.ts', import.meta.url))
const START_TIMEOUT_MS = 30_000

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** What the child wrote to stderr, for a failing test's message. */
  stderr(): string
  /** SIGKILL: no shutdown code runs, exactly like a crash or a power cut of the process. */
  kill(): Promise<void>
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>
}

/** Starts the central server in its own Node process on `databaseUrl` and waits until it listens. */
export function spawnServerProcess(databaseUrl: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD_ENTRY, databaseUrl], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const signal = async (name: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name)
    await exited
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`server child did not start in time:\n${stderr}`))
    }, START_TIMEOUT_MS)
    let stdout = ''
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      const line = stdout.split('\n').find((l) => l.startsWith('{'))
      if (!line) return
      clearTimeout(timer)
      const { url } = JSON.parse(line) as { url: string }
      resolve({ url, child, stderr: () => stderr, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') })
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server child exited with ${code} before listening:\n${stderr}`))
    })
  })
}
