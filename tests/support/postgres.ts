/**
 * A throwaway PostgreSQL server per call, for tests that must run against the real thing.
 * Each call gets its own cluster in a temp folder, on its own port, listening on 127.0.0.1 only.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

export interface PostgresServer {
  /** postgres://postgres@127.0.0.1:PORT/DB */
  url: string
  /** Fast shutdown, then the folder is removed. Safe to call twice. */
  stop(): Promise<void>
}

const DATABASE_NAME = 'omnidesk_test'
const SUPERUSER = 'postgres'
/** The OS account that owns the cluster when the tests run as root, which postgres refuses to be. */
const OS_USER = 'postgres'
const READY_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 15_000
const PORT_ATTEMPTS = 3
const CLIENT_GRACE_MS = 2_000

/** PG_BIN wins; otherwise the newest Debian-packaged server, then whatever pg_config knows. */
function findBinDir(): string {
  const candidates: string[] = []
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN)
  const debianRoot = '/usr/lib/postgresql'
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((v) => join(debianRoot, v, 'bin')))
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim())
  } catch {
    // pg_config is not installed; the Debian paths above are the usual place anyway.
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres')))
  if (!found) {
    throw new Error(
      `PostgreSQL server binaries (initdb, postgres) not found in ${candidates.join(', ') || debianRoot}. ` +
        'Install them with `apt-get install postgresql` (or set PG_BIN to their folder).',
    )
  }
  return found
}

interface OsUser {
  uid: number
  gid: number
}

/** Root must hand the cluster to an unprivileged account; anyone else runs it as themselves. */
function clusterOwner(): OsUser | null {
  if (process.getuid?.() !== 0) return null
  try {
    const uid = Number(execFileSync('id', ['-u', OS_USER], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', OS_USER], { encoding: 'utf8' }).trim())
    return { uid, gid }
  } catch {
    throw new Error(`Running as root needs the '${OS_USER}' OS user to own the cluster; install it with \`apt-get install postgresql\`.`)
  }
}

/** The command line, wrapped so it runs as the cluster owner when we are root. */
function asOwner(owner: OsUser | null, command: string, args: string[]): [string, string[]] {
  return owner ? ['runuser', ['-u', OS_USER, '--', command, ...args]] : [command, args]
}

function run(owner: OsUser | null, command: string, args: string[]): Promise<void> {
  const [file, argv] = asOwner(owner, command, args)
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}:\n${output}`))))
  })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('Could not get a free port'))))
    })
  })
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Resolves once a client can log in; rejects early if the server process has already died. */
async function waitUntilAccepting(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`postgres exited during startup (${child.exitCode ?? child.signalCode}):\n${tail(logFile)}`)
    }
    const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres', connectionTimeoutMillis: 1000 })
    try {
      await client.connect()
      await client.query('select 1')
      return
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections within ${READY_TIMEOUT_MS} ms: ${String(error)}\n${tail(logFile)}`, { cause: error })
      }
    } finally {
      await client.end().catch(() => undefined)
    }
    await sleep(50)
  }
}

function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
    return Number.isInteger(pid) && pid > 0 ? pid : null
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * pg's Pool.end() resolves before its connections have finished closing; shutting down in that
 * window makes the server send those clients a FATAL error that surfaces as an uncaught exception
 * in the test. So give departing clients a moment to go first (clients that were never closed
 * are cut off anyway after the grace period).
 */
async function waitForClientsToLeave(port: number): Promise<void> {
  const deadline = Date.now() + CLIENT_GRACE_MS
  const probe = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres', connectionTimeoutMillis: 1000 })
  try {
    await probe.connect()
    for (;;) {
      const { rows } = await probe.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()",
      )
      if (Number(rows[0]?.n ?? 0) === 0 || Date.now() > deadline) return
      await sleep(20)
    }
  } catch {
    // The server is already gone or refusing connections; shutting down is all that is left.
  } finally {
    await probe.end().catch(() => undefined)
  }
}

/**
 * Signals postgres itself, not the runuser wrapper around it (which need not forward signals).
 * SIGINT is postgres's "fast" shutdown: clients are disconnected, no waiting for them.
 */
async function shutDown(dataDir: string, child: ChildProcess): Promise<void> {
  const pid = postmasterPid(dataDir) ?? child.pid
  if (pid !== undefined && isAlive(pid)) {
    process.kill(pid, 'SIGINT')
    const deadline = Date.now() + STOP_TIMEOUT_MS
    while (isAlive(pid) && Date.now() < deadline) await sleep(20)
    if (isAlive(pid)) process.kill(pid, 'SIGKILL')
  }
  if (child.exitCode === null && child.signalCode === null) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL')
        resolve()
      }, STOP_TIMEOUT_MS)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
}

/** A crashed test run must not leave servers behind: kill what is still ours on exit. */
const running = new Set<{ dataDir: string; root: string }>()
process.once('exit', () => {
  for (const { dataDir, root } of running) {
    const pid = postmasterPid(dataDir)
    if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGQUIT')
    rmSync(root, { recursive: true, force: true })
  }
})

async function createDatabase(port: number): Promise<void> {
  const admin = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, database: 'postgres' })
  await admin.connect()
  try {
    await admin.query(`create database ${DATABASE_NAME}`)
  } finally {
    await admin.end()
  }
}

export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findBinDir()
  const owner = clusterOwner()
  const root = mkdtempSync(join(tmpdir(), 'omnidesk-pg-'))
  const dataDir = join(root, 'data')
  const socketDir = join(root, 'socket')
  const logFile = join(root, 'postgres.log')
  mkdirSync(socketDir)
  writeFileSync(logFile, '')
  if (owner) for (const path of [root, socketDir, logFile]) chownSync(path, owner.uid, owner.gid)

  try {
    await run(owner, join(binDir, 'initdb'), [
      '-D', dataDir, '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync', '--auth=trust',
    ])
    // Only TCP from loopback, nothing over other interfaces; replaces initdb's defaults.
    const hba = join(dataDir, 'pg_hba.conf')
    writeFileSync(hba, 'host all all 127.0.0.1/32 trust\n')
    if (owner) chownSync(hba, owner.uid, owner.gid)

    let lastError: unknown
    for (let attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
      const port = await freePort()
      const [file, argv] = asOwner(owner, join(binDir, 'postgres'), [
        '-D', dataDir, '-p', String(port), '-k', socketDir,
        '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
      ])
      const log = openSync(logFile, 'a')
      const child = spawn(file, argv, { stdio: ['ignore', log, log] })
      closeSync(log)
      const entry = { dataDir, root }
      running.add(entry)
      try {
        await waitUntilAccepting(port, child, logFile)
      } catch (error) {
        await shutDown(dataDir, child)
        running.delete(entry)
        // Another process may have taken the port between our probe and postgres binding it.
        if (!/could not bind|address already in use/i.test(tail(logFile))) throw error
        lastError = error
        continue
      }
      try {
        await createDatabase(port)
      } catch (error) {
        await shutDown(dataDir, child)
        running.delete(entry)
        throw error
      }
      let stopped: Promise<void> | undefined
      return {
        url: `postgres://${SUPERUSER}@127.0.0.1:${port}/${DATABASE_NAME}`,
        stop: () => {
          stopped ??= waitForClientsToLeave(port).then(() => shutDown(dataDir, child)).finally(() => {
            running.delete(entry)
            rmSync(root, { recursive: true, force: true })
          })
          return stopped
        },
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError))
  } catch (error) {
    rmSync(root, { recursive: true, force: true })
    throw error
  }
}
