/**
 * A throwaway Kamailio (SIP registrar and proxy, resources/kamailio/kamailio.cfg) for the softphone
 * tests: WebSocket for JsSIP and UDP for plain SIP phones, on free ports of 127.0.0.1, with its
 * users in a db_text `subscriber` file in a temp folder. Debian's `kamailio` and
 * `kamailio-websocket-modules` are required (scripts/setup.sh test installs them).
 *
 * Kamailio runs in the foreground (-DD) in a process group of its own, so stopping it ends the
 * main process and all its workers; a small watchdog ends the group too if this process dies
 * without cleaning up.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const KAMAILIO_CONFIG = fileURLToPath(new URL('../../resources/kamailio/kamailio.cfg', import.meta.url))

export interface SipUser {
  username: string
  password: string
}

export interface KamailioOptions {
  users?: readonly SipUser[]
  /** The SIP domain users register in (default `sip.omni.test`); 127.0.0.1 works as well. */
  domain?: string
}

export interface Kamailio {
  /** `ws://127.0.0.1:<port>` for JsSIP. */
  wsUrl: string
  wsPort: number
  /** UDP port for plain SIP peers (SIPp, baresip). */
  udpPort: number
  domain: string
  /** `sip:<username>@<domain>`. */
  uri(username: string): string
  /** Adds a user while Kamailio runs (db_text re-reads the changed file on the next request). */
  addUser(user: SipUser): void
  /** Stops and starts it again on the same ports; every registration is forgotten. */
  restart(): Promise<void>
  /** Stops it (idempotent); the temp folder is removed. */
  stop(): Promise<void>
  /** Everything Kamailio logged since the first start (print it when a test fails). */
  logs(): string
  /** The main process, also the id of its process group; null while stopped. */
  pid(): number | null
}

/** The kamailio binary: on PATH, or in /usr/sbin, which is not on a normal user's PATH. */
function kamailioBinary(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), '/usr/sbin']
  for (const dir of dirs) if (existsSync(join(dir, 'kamailio'))) return join(dir, 'kamailio')
  return null
}

/** Whether the binary and the WebSocket module are installed (they come in separate packages). */
export function kamailioInstalled(): boolean {
  // /usr/lib/<arch triplet>/kamailio/modules on Debian.
  const libDirs = existsSync('/usr/lib') ? readdirSync('/usr/lib').map((name) => join('/usr/lib', name)) : []
  return kamailioBinary() !== null && ['/usr/lib', ...libDirs].some((lib) => existsSync(join(lib, 'kamailio/modules/websocket.so')))
}

const USERNAME = /^[A-Za-z0-9._~+-]{1,64}$/
// db_text separates fields with ':' and escapes with '\'; keep passwords to printable ASCII
// without those rather than rely on its escaping.
const PASSWORD = /^[\x20-\x39\x3b-\x5b\x5d-\x7e]{1,128}$/
const DOMAIN = /^[A-Za-z0-9.-]{1,253}$/

function checkUser(user: SipUser): void {
  if (!USERNAME.test(user.username)) throw new Error(`SIP username ${JSON.stringify(user.username)}: use letters, digits and . _ ~ + - only`)
  if (!PASSWORD.test(user.password)) throw new Error(`SIP password for ${user.username}: printable ASCII without ':' or '\\', 1-128 characters`)
}

export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  const found = kamailioBinary()
  if (!found || !kamailioInstalled()) {
    throw new Error('kamailio or its WebSocket module is not installed (apt-get install kamailio kamailio-websocket-modules, or scripts/setup.sh test)')
  }
  const binary: string = found
  const domain = options.domain ?? 'sip.omni.test'
  if (!DOMAIN.test(domain)) throw new Error(`SIP domain ${JSON.stringify(domain)} is not a host name`)
  const users = options.users ?? []
  users.forEach(checkUser)

  const dir = mkdtempSync(join(tmpdir(), 'omni-kamailio-'))
  const dbDir = join(dir, 'db')
  const runDir = join(dir, 'run')
  mkdirSync(dbDir)
  mkdirSync(runDir)
  // Every database db_text opens needs a `version` table naming each table's schema version.
  writeFileSync(join(dbDir, 'version'), 'table_name(string) table_version(int)\nversion:1\nsubscriber:7\n')
  const subscriberFile = join(dbDir, 'subscriber')
  writeFileSync(subscriberFile, 'id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)\n')
  let nextId = 1
  let lastMtime = 0
  const known = new Set<string>()
  function addUser(user: SipUser): void {
    checkUser(user)
    if (known.has(user.username)) throw new Error(`SIP user ${user.username} exists already`)
    known.add(user.username)
    appendFileSync(subscriberFile, `${nextId++}:${user.username}:${domain}:${user.password}::\n`)
    // db_text notices a change by the file's mtime in whole seconds: two writes within a second
    // would look like one, so each write gets a later mtime than the last.
    lastMtime = Math.max(Math.floor(Date.now() / 1000), lastMtime + 1)
    utimesSync(subscriberFile, lastMtime, lastMtime)
  }
  users.forEach(addUser)

  let wsPort = 0
  let udpPort = 0
  const args = (): string[] => [
    '-DD', // stay in the foreground as the parent of all workers
    '-E', // log to stderr
    '-f', KAMAILIO_CONFIG,
    '-A', `WS_PORT=${wsPort}`,
    '-A', `SIP_PORT=${udpPort}`,
    '-A', `DOMAIN="${domain}"`,
    '-A', `DBURL="text://${dbDir}"`,
    '-P', join(runDir, 'kamailio.pid'),
    '-Y', runDir,
    '-w', dir,
    '-m', '32',
    '-M', '4',
  ]

  let log = ''
  let child: ChildProcess | null = null
  let watchdog: ChildProcess | null = null
  let exited: Promise<void> = Promise.resolve()

  async function start(): Promise<void> {
    const proc = spawn(binary, args(), { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const append = (chunk: Buffer): void => {
      log += chunk.toString()
      if (log.length > 4_000_000) log = log.slice(-2_000_000)
    }
    proc.stdout?.on('data', append)
    proc.stderr?.on('data', append)
    exited = new Promise((done) => proc.once('exit', () => done()))
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`kamailio could not start: ${err.message}`)))
      proc.once('exit', (code, signal) => reject(new Error(`kamailio exited (${signal ?? code}) while starting:\n${log}`)))
    })
    failed.catch(() => undefined)
    child = proc
    if (proc.pid) watchdog = guard(proc.pid, dir)
    try {
      await Promise.race([answering(wsPort), failed])
    } catch (error) {
      await halt()
      throw error
    }
  }

  async function halt(): Promise<void> {
    const proc = child
    child = null
    try {
      if (proc?.pid) await endGroup(proc.pid, exited)
    } finally {
      watchdog?.kill('SIGKILL')
      watchdog = null
    }
  }

  let stopped = false
  // A free port can be taken by someone else before Kamailio binds it: try other ports then.
  for (let attempt = 1; ; attempt++) {
    wsPort = await freeTcpPort()
    udpPort = await freeUdpPort()
    try {
      await start()
      break
    } catch (error) {
      if (attempt < 3 && /Address already in use/.test(String(error))) continue
      rmSync(dir, { recursive: true, force: true })
      throw error
    }
  }
  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    udpPort,
    domain,
    uri: (username) => `sip:${username}@${domain}`,
    addUser,
    async restart() {
      if (stopped) throw new Error('kamailio was stopped for good')
      await halt()
      log += '----- restart -----\n'
      await start()
    },
    async stop() {
      if (stopped) return
      stopped = true
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
    logs: () => log,
    pid: () => child?.pid ?? null,
  }
}

/**
 * SIGTERM to the main process, which ends its workers and exits (~30 ms). A UDP worker still in
 * its start-up when the signal comes misses it (seen a few times in a hundred stops right after
 * start) and the main process then waits for it for good: the rest of the group gets SIGTERM too
 * when the main process is not gone after 250 ms, and whatever is left after 3 s is killed
 * (Kamailio keeps nothing on disk that a SIGKILL could damage). Resolves once the group is gone.
 */
async function endGroup(group: number, exited: Promise<void>): Promise<void> {
  const started = Date.now()
  try {
    process.kill(group, 'SIGTERM')
  } catch {
    // Exited already.
  }
  let mainGone = false
  void exited.then(() => (mainGone = true))
  let lastTerm = started
  while (!mainGone || groupAlive(group)) {
    const waited = Date.now() - started
    if (waited > 10_000) throw new Error(`kamailio processes of group ${group} survive SIGKILL`)
    if (waited > 3_000) signalGroup(group, 'SIGKILL')
    else if (Date.now() - lastTerm >= 250) {
      lastTerm = Date.now()
      signalGroup(group, 'SIGTERM')
    }
    await new Promise((done) => setTimeout(done, 10))
  }
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal)
  } catch {
    // The group is gone already.
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0)
    return true
  } catch {
    return false
  }
}

/**
 * A shell that waits for its stdin to close, which happens when this process dies, and then ends
 * Kamailio's process group and removes its folder: no registrar outlives a crashed test worker.
 * (dash's kill takes no `--`; the folder is passed as $0, never parsed by the shell.)
 */
function guard(group: number, dir: string): ChildProcess {
  const script = `read _ ; kill -TERM -${group} 2>/dev/null; sleep 2; kill -KILL -${group} 2>/dev/null; rm -rf "$0"`
  const shell = spawn('sh', ['-c', script, dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  })
  shell.on('error', () => undefined)
  shell.stdin?.on('error', () => undefined)
  shell.unref()
  // The pipe must not keep the event loop alive either.
  ;(shell.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  return shell
}

async function freeTcpPort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => done(port))
    })
  })
}

async function freeUdpPort(): Promise<number> {
  return new Promise((done, reject) => {
    const socket = createSocket('udp4')
    socket.once('error', reject)
    socket.bind(0, '127.0.0.1', () => {
      const port = socket.address().port
      socket.close(() => done(port))
    })
  })
}

/**
 * Resolves once Kamailio answers HTTP on its WebSocket port. A bare TCP connect is not enough: the
 * socket listens before the main process has forked its TCP workers, and a SIGTERM in that window
 * can miss a worker still being forked, which then keeps the main process waiting. The TCP
 * processes are forked last, so an answer means every process is up.
 */
async function answering(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1')
      let reply = ''
      const finish = (result: boolean): void => {
        socket.destroy()
        done(result)
      }
      socket.setTimeout(1_000, () => finish(false))
      socket.once('connect', () => socket.write('GET /ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString()
        if (reply.startsWith('HTTP/1.')) finish(true)
      })
      socket.once('error', () => finish(false))
      socket.once('close', () => finish(reply.startsWith('HTTP/1.')))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`kamailio does not answer on 127.0.0.1:${port}`)
    await new Promise((done) => setTimeout(done, 10))
  }
}
