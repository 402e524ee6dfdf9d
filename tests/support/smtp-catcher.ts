/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that receives what the product sends
 * and keeps it, parsed, for the test to look at. It can be told to refuse mail with a given reply.
 */
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { freePort } from './dovecot'

export interface CaughtMail {
  from: string
  to: string[]
  raw: Buffer
  parsed: ParsedMail
}

export interface SmtpCatcher {
  port: number
  mails: CaughtMail[]
  /** How many mails were refused (by `refuseWith`) so far. */
  readonly refused: number
  /** Refuse the next mails with this reply (e.g. 451 or 550) until set back to null. */
  refuseWith(reply: { code: number; message: string } | null): void
  /** The first caught mail (past or future) that matches. */
  waitFor(match: (mail: CaughtMail) => boolean, what: string, timeoutMs?: number): Promise<CaughtMail>
  stop(): Promise<void>
}

export async function startSmtpCatcher(auth: { user: string; password: string }): Promise<SmtpCatcher> {
  const mails: CaughtMail[] = []
  const waiters = new Set<() => void>()
  let refusal: { code: number; message: string } | null = null
  let refused = 0
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: 50 * 1024 * 1024,
    logger: false,
    onAuth(session, _s, callback) {
      if (session.username === auth.user && session.password === auth.password) callback(null, { user: session.username })
      else callback(new Error('535 Authentication failed'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        if (refusal) {
          refused++
          const err = new Error(refusal.message) as Error & { responseCode: number }
          err.responseCode = refusal.code
          callback(err)
          return
        }
        const raw = Buffer.concat(chunks)
        void simpleParser(raw).then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw,
            parsed,
          })
          for (const wake of waiters) wake()
          callback()
        }, callback)
      })
    },
  })
  const port = await freePort()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve())
  })
  return {
    port,
    mails,
    get refused() {
      return refused
    },
    refuseWith(reply) {
      refusal = reply
    },
    waitFor(match, what, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = mails.find(match)
          if (!found) return false
          clearTimeout(timer)
          waiters.delete(wake)
          resolve(found)
          return true
        }
        const wake = (): void => void check()
        const timer = setTimeout(() => {
          waiters.delete(wake)
          reject(new Error(`no mail: ${what}`))
        }, timeoutMs)
        waiters.add(wake)
        check()
      })
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
