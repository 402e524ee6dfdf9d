import { ImapFlow } from 'imapflow'
import type { Logger } from '../../logger'
import type { EmailIntake } from './email-intake'
import type { MailboxConfig, MailboxStore } from './mailbox-store'

export interface WatcherOptions {
  /** How long imapflow waits after a command before it starts IDLE again. */
  idleDelayMs: number
  /** First wait before reconnecting after a drop; it doubles up to `reconnectMaxMs`. */
  reconnectMinMs: number
  reconnectMaxMs: number
  /** A message larger than this is not downloaded; its headers are filed with a note. */
  maxMessageBytes: number
}

/** A session that lasted this long resets the reconnect backoff. */
const STABLE_SESSION_MS = 10_000

export const defaultWatcherOptions: WatcherOptions = {
  idleDelayMs: 1_000,
  reconnectMinMs: 500,
  reconnectMaxMs: 30_000,
  maxMessageBytes: 25 * 1024 * 1024,
}

/**
 * Receives one support mailbox: keeps an IMAP connection with INBOX selected, IDLEs on it (imapflow
 * falls back to NOOP polling when the server has no IDLE; a timer reads the mailbox every poll
 * interval besides, in case a notification is lost), fetches messages by UID above the last one
 * filed, and reconnects with backoff after the connection drops. The last UID is saved after each
 * message, so a restart continues where it stopped; a message filed but not yet counted is read
 * again and recognised by its Message-ID.
 */
export class MailboxWatcher {
  private client: ImapFlow | null = null
  private stopped = false
  private running: Promise<void> | null = null
  private wake: (() => void) | null = null
  private syncing: Promise<void> | null = null
  private syncAgain = false
  /** Connected and INBOX selected (for tests and the admin view). */
  connected = false
  /** Why the last connection failed or dropped (shown to admins), null once connected. */
  lastError: string | null = null

  constructor(
    readonly mailbox: MailboxConfig,
    private readonly deps: { store: MailboxStore; intake: EmailIntake; log: Logger; options: WatcherOptions },
  ) {}

  start(): void {
    if (this.running) return
    this.running = this.loop().catch((err: unknown) => this.deps.log.error({ err, mailbox: this.mailbox.address }, 'mailbox watcher stopped by an error'))
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.wake?.()
    const client = this.client
    if (client) {
      // logout() waits for the server; close() does not: a stop must not hang on a dead server.
      await Promise.race([client.logout().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1_000))])
      client.close()
    }
    await this.running
    await this.syncing?.catch(() => undefined)
  }

  private async loop(): Promise<void> {
    let failures = 0
    while (!this.stopped) {
      const startedAt = Date.now()
      const reachedMailbox = await this.session()
      if (this.stopped) return
      // A server that drops every session right after login must not be hammered twice a second.
      failures = reachedMailbox && Date.now() - startedAt > STABLE_SESSION_MS ? 0 : failures + 1
      const { reconnectMinMs, reconnectMaxMs } = this.deps.options
      const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** Math.min(failures, 16))
      this.deps.log.info({ mailbox: this.mailbox.address, delayMs: delay }, 'IMAP connection closed; reconnecting')
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = null
    }
  }

  /** One connection from login to close. True when it got as far as reading the mailbox. */
  private async session(): Promise<boolean> {
    const { imap, pollIntervalMs } = this.mailbox
    const client = new ImapFlow({
      host: imap.host,
      port: imap.port,
      secure: imap.secure,
      auth: { user: imap.user, pass: imap.password },
      logger: false,
      autoIdleDelay: this.deps.options.idleDelayMs,
      // IDLE is renewed this often (and servers without IDLE are polled this often).
      maxIdleTime: pollIntervalMs,
      missingIdleCommand: 'NOOP',
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: Math.max(5 * 60_000, pollIntervalMs * 3),
      clientInfo: { name: 'omnidesk-email-channel' },
    })
    this.client = client
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()))
    client.on('error', (err: unknown) => this.deps.log.warn({ err, mailbox: this.mailbox.address }, 'IMAP connection error'))
    let reachedMailbox = false
    let poll: NodeJS.Timeout | null = null
    try {
      await client.connect()
      if (this.stopped) return true
      await client.mailboxOpen('INBOX')
      reachedMailbox = true
      this.connected = true
      this.lastError = null
      this.deps.log.info({ mailbox: this.mailbox.address }, 'IMAP connected, watching INBOX')
      client.on('exists', () => this.kick(client))
      poll = setInterval(() => this.kick(client), pollIntervalMs)
      this.kick(client)
      await closed
      if (!this.stopped) this.lastError = 'The IMAP connection was closed'
    } catch (err) {
      this.lastError = describeImapError(err)
      this.deps.log.warn({ err, mailbox: this.mailbox.address, host: imap.host, port: imap.port }, 'IMAP session failed')
    } finally {
      this.connected = false
      if (poll) clearInterval(poll)
      client.close()
      await this.syncing?.catch(() => undefined)
      this.client = null
    }
    return reachedMailbox
  }

  /** Reads new messages now, or once more after the read in progress. */
  private kick(client: ImapFlow): void {
    if (this.stopped) return
    if (this.syncing) {
      this.syncAgain = true
      return
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false
        await this.readNew(client)
      } while (this.syncAgain && !this.stopped && client.usable)
    })()
      .catch((err: unknown) => {
        this.deps.log.warn({ err, mailbox: this.mailbox.address }, 'reading new mail failed; it is read again on the next check')
        // A half-read mailbox: start a fresh session rather than trusting this one.
        if (client.usable) client.close()
      })
      .finally(() => {
        this.syncing = null
      })
  }

  private async readNew(client: ImapFlow): Promise<void> {
    const box = client.mailbox
    if (!box || !client.usable) return
    const uidValidity = String(box.uidValidity)
    const state = await this.deps.store.syncState(this.mailbox.id)
    let lastUid = 0
    if (state && state.uidValidity === uidValidity) lastUid = state.lastUid
    else if (state) this.deps.log.warn({ mailbox: this.mailbox.address, was: state.uidValidity, now: uidValidity }, 'UIDVALIDITY changed: reading the whole INBOX again (Message-IDs prevent repeats)')

    // List first, read after: no other command may run while a FETCH streams.
    const pending: { uid: number; size: number }[] = []
    for await (const message of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
      // `N:*` always returns the newest message, even when its UID is below N.
      if (message.uid > lastUid) pending.push({ uid: message.uid, size: message.size ?? 0 })
    }
    pending.sort((a, b) => a.uid - b.uid)
    for (const { uid, size } of pending) {
      if (this.stopped || !client.usable) return
      await this.readOne(client, uid, size)
      await this.deps.store.saveSyncState(this.mailbox.id, uidValidity, uid)
      await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true }).catch(() => undefined)
    }
  }

  private async readOne(client: ImapFlow, uid: number, size: number): Promise<void> {
    const { intake, log, options } = this.deps
    if (size > options.maxMessageBytes) {
      const head = await client.fetchOne(String(uid), { uid: true, headers: true }, { uid: true })
      const outcome = await intake.fileOversized(this.mailbox, head ? (head.headers ?? Buffer.alloc(0)) : Buffer.alloc(0), size)
      log.info({ mailbox: this.mailbox.address, uid, outcome: outcome.kind }, 'oversized email handled')
      return
    }
    const message = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true })
    if (!message || !message.source) {
      log.warn({ mailbox: this.mailbox.address, uid }, 'email vanished before it was read')
      return
    }
    const outcome = await intake.file(this.mailbox, message.source)
    log.debug({ mailbox: this.mailbox.address, uid, outcome: outcome.kind }, 'email read')
  }
}

/** imapflow's errors carry the server's words in `responseText` (e.g. a failed login). */
function describeImapError(err: unknown): string {
  const e = err as { responseText?: string; code?: string; message?: string }
  return (e.responseText ?? ([e.code, e.message].filter(Boolean).join(': ') || 'IMAP error')).slice(0, 300)
}
