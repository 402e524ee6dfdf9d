/**
 * A throwaway Dovecot (IMAP only) for the email tests: its own config file in a temp folder, on a
 * free port of 127.0.0.1, with passwd-file users and maildirs in that folder. Debian's
 * `dovecot-imapd` is required (scripts/setup.sh installs it): a missing binary fails the test.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ImapFlow } from 'imapflow'

export interface MailUser {
  user: string
  password: string
}

export interface Dovecot {
  host: string
  port: number
  dir: string
  /** Stores a message in a user's folder over IMAP APPEND (as a mail client or MTA would). */
  append(user: MailUser, raw: string | Buffer, folder?: string): Promise<void>
  /** Puts a message straight into a user's maildir (mail delivered while IMAP is down). */
  deliverToMaildir(user: MailUser, raw: string | Buffer): void
  /** The raw messages in a user's folder ([] when the folder does not exist). */
  messages(user: MailUser, folder?: string): Promise<Buffer[]>
  stop(): Promise<void>
  /** Starts it again on the same port and mail. */
  start(): Promise<void>
  log(): string
  cleanup(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number(execFileSync('id', [flag, name]).toString().trim())
}

/** `extraConfig` is appended to the config file (e.g. `imap_capability = …` to hide IDLE). */
export async function startDovecot(users: readonly MailUser[], extraConfig = ''): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'omni-dovecot-'))
  chmodSync(dir, 0o755)
  const mailDir = join(dir, 'mail')
  const runDir = join(dir, 'run')
  mkdirSync(mailDir)
  mkdirSync(runDir)
  const uid = idOf('-u', 'dovecot')
  const gid = idOf('-g', 'dovecot')
  chownSync(mailDir, uid, gid)
  const port = await freePort()
  const usersFile = join(dir, 'users')
  writeFileSync(usersFile, users.map((u) => `${u.user}:{PLAIN}${u.password}\n`).join(''))
  const logFile = join(dir, 'dovecot.log')
  const config = join(dir, 'dovecot.conf')
  writeFileSync(
    config,
    `base_dir = ${runDir}
instance_name = omni-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
log_path = ${logFile}
mail_location = maildir:${mailDir}/%u
mail_uid = dovecot
mail_gid = dovecot
first_valid_uid = 1
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
  }
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${usersFile}
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${mailDir}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
${extraConfig}
`,
  )

  let child: ChildProcess | null = null
  let exited: Promise<void> = Promise.resolve()

  async function start(): Promise<void> {
    const proc = spawn('dovecot', ['-F', '-c', config], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    proc.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const failed = new Promise<never>((_, reject) => {
      proc.once('error', (err) => reject(new Error(`dovecot could not start (install dovecot-imapd): ${err.message}`)))
      proc.once('exit', (code) => reject(new Error(`dovecot exited with ${code}: ${stderr}${readLog()}`)))
    })
    failed.catch(() => undefined)
    exited = new Promise((resolve) => proc.once('exit', () => resolve()))
    child = proc
    await Promise.race([listening(port), failed])
  }

  function readLog(): string {
    return existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''
  }

  function client(user: MailUser): ImapFlow {
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: user.user, pass: user.password }, logger: false, disableAutoIdle: true })
    c.on('error', () => undefined)
    return c
  }

  await start()
  return {
    host: '127.0.0.1',
    port,
    dir,
    async append(user, raw, folder = 'INBOX') {
      const c = client(user)
      await c.connect()
      try {
        if (folder !== 'INBOX' && !(await c.list()).some((f) => f.path === folder)) await c.mailboxCreate(folder)
        await c.append(folder, typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw)
      } finally {
        await c.logout()
      }
    },
    deliverToMaildir(user, raw) {
      const box = join(mailDir, user.user)
      for (const sub of ['', 'new', 'cur', 'tmp']) {
        const path = join(box, sub)
        if (!existsSync(path)) {
          mkdirSync(path)
          chownSync(path, uid, gid)
        }
      }
      const file = join(box, 'new', `${Date.now()}.M${Math.floor(Math.random() * 1e9)}P${process.pid}.omni-test`)
      writeFileSync(file, typeof raw === 'string' ? Buffer.from(raw, 'binary') : raw)
      chownSync(file, uid, gid)
    },
    async messages(user, folder = 'INBOX') {
      const c = client(user)
      await c.connect()
      try {
        if (!(await c.list()).some((f) => f.path === folder)) return []
        const lock = await c.getMailboxLock(folder)
        try {
          if (!c.mailbox || c.mailbox.exists === 0) return []
          const out: Buffer[] = []
          for await (const m of c.fetch('1:*', { source: true })) if (m.source) out.push(m.source)
          return out
        } finally {
          lock.release()
        }
      } finally {
        await c.logout()
      }
    },
    async stop() {
      if (!child) return
      child.kill('SIGTERM')
      await exited
      child = null
      // Running imap sessions outlive their master by ~10 s ("Server shutting down"): end them
      // too, so that a stopped server is down for its clients at once, like a crashed one.
      killSessions(port)
    },
    start,
    log: readLog,
    async cleanup() {
      if (child) {
        child.kill('SIGTERM')
        await exited
        child = null
        killSessions(port)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The session processes of this instance (named `dovecot-omni-test-<port>/imap`), by pid. */
function killSessions(port: number): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmdline: string
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    } catch {
      continue
    }
    if (cmdline.startsWith(`dovecot-omni-test-${port}/`)) {
      try {
        process.kill(Number(pid), 'SIGKILL')
      } catch {
        // Already gone.
      }
    }
  }
}

/** Resolves once something accepts TCP connections on the port (Dovecot answers ~30 ms after start). */
async function listening(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('connect', () => {
        socket.destroy()
        resolve(true)
      })
      socket.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
