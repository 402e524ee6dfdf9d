/**
 * The agent's SIP account on this desktop, one file per agent. The password is sealed with the
 * OS secret store where there is one (Electron's safeStorage); without one (the web host) the
 * file is owner-only, like the kept session.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { IceServerSchema, SipAccountInputSchema, type SipAccountView } from '../../../shared/domain/phone'
import type { SecretCipher } from '../session/session-vault'

export interface SipAccount {
  wsUrl: string
  sipUri: string
  authUser: string
  password: string
  displayName: string | null
  iceServers: z.infer<typeof IceServerSchema>[]
  autoAnswer: boolean
}

const StoredAccountSchema = z.object({
  wsUrl: z.string(),
  sipUri: z.string(),
  authUser: z.string(),
  /** base64 of the sealed password, or the password itself when there is no cipher. */
  password: z.string(),
  sealed: z.boolean(),
  displayName: z.string().nullable(),
  iceServers: z.array(IceServerSchema),
  autoAnswer: z.boolean(),
})

export class SipAccountStore {
  constructor(
    private readonly dataDir: string,
    private readonly cipher?: SecretCipher,
  ) {}

  async load(agentId: string): Promise<SipAccount | null> {
    let raw: string
    try {
      raw = await readFile(this.file(agentId), 'utf8')
    } catch {
      return null
    }
    try {
      const stored = StoredAccountSchema.parse(JSON.parse(raw))
      const password = stored.sealed ? this.requireCipher().decrypt(Buffer.from(stored.password, 'base64')) : stored.password
      return { ...stored, password }
    } catch {
      // A file we cannot read (another machine's seal, a hand edit) is as good as none: ask again.
      return null
    }
  }

  /** Merges the edit into what is kept: a blank password keeps the old one. */
  async save(agentId: string, input: z.input<typeof SipAccountInputSchema>): Promise<SipAccount> {
    const parsed = SipAccountInputSchema.parse(input)
    const previous = await this.load(agentId)
    const password = parsed.password ?? previous?.password
    if (!password) throw new AppError('invalid_argument', 'The SIP account needs a password')
    const account: SipAccount = {
      wsUrl: parsed.wsUrl,
      sipUri: parsed.sipUri,
      authUser: parsed.authUser ?? userOf(parsed.sipUri),
      password,
      displayName: parsed.displayName || null,
      iceServers: parsed.iceServers,
      autoAnswer: parsed.autoAnswer,
    }
    const sealed = this.cipher !== undefined
    const stored: z.infer<typeof StoredAccountSchema> = {
      ...account,
      password: sealed ? this.requireCipher().encrypt(password).toString('base64') : password,
      sealed,
    }
    await mkdir(this.dataDir, { recursive: true })
    const tmp = `${this.file(agentId)}.tmp`
    await writeFile(tmp, JSON.stringify(stored), { mode: 0o600 })
    await rename(tmp, this.file(agentId))
    return account
  }

  private file(agentId: string): string {
    return join(this.dataDir, `sip-account-${agentId.replace(/[^\w-]/g, '_')}.json`)
  }

  private requireCipher(): SecretCipher {
    if (!this.cipher) throw new Error('The SIP password was sealed by a secret store this host does not have')
    return this.cipher
  }
}

export function toAccountView(account: SipAccount): SipAccountView {
  return {
    wsUrl: account.wsUrl,
    sipUri: account.sipUri,
    authUser: account.authUser,
    displayName: account.displayName,
    iceServers: account.iceServers,
    autoAnswer: account.autoAnswer,
    hasPassword: account.password.length > 0,
  }
}

function userOf(sipUri: string): string {
  return /^sips?:([^@]+)@/.exec(sipUri)?.[1] ?? sipUri
}
