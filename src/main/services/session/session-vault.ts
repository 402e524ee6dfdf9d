import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { AgentProfileSchema } from '../../../shared/domain/agent'
import { TokenPairSchema } from '../../../shared/protocol/http-api'

const StoredSessionSchema = z.object({
  serverUrl: z.string(),
  agent: AgentProfileSchema,
  tokens: TokenPairSchema,
})
export type StoredSession = z.infer<typeof StoredSessionSchema>

/** Encrypts the stored session with the OS secret store where there is one (Electron's safeStorage). */
export interface SecretCipher {
  encrypt(plain: string): Buffer
  decrypt(sealed: Buffer): string
}

/**
 * Keeps the signed-in session across restarts of the main process, so an agent who restarts
 * the desktop while the server is down can still open their cached data and queue work.
 */
export class SessionVault {
  private readonly file: string
  private writes: Promise<void> = Promise.resolve()

  constructor(
    dataDir: string,
    private readonly cipher?: SecretCipher,
  ) {
    this.file = join(dataDir, this.cipher ? 'session.sealed' : 'session.json')
  }

  async load(): Promise<StoredSession | null> {
    try {
      const raw = await readFile(this.file)
      const text = this.cipher ? this.cipher.decrypt(raw) : raw.toString('utf8')
      const parsed = StoredSessionSchema.safeParse(JSON.parse(text))
      return parsed.success ? parsed.data : null
    } catch {
      return null
    }
  }

  /** Saves are queued: a login and the welcome that follows it may both save at once. */
  save(session: StoredSession): Promise<void> {
    const next = this.writes.then(() => this.write(session))
    this.writes = next.catch(() => undefined)
    return next
  }

  private async write(session: StoredSession): Promise<void> {
    await mkdir(join(this.file, '..'), { recursive: true })
    const text = JSON.stringify(session)
    const tmp = `${this.file}.tmp`
    // Owner-only: the refresh token lets whoever reads it act as the agent.
    await writeFile(tmp, this.cipher ? this.cipher.encrypt(text) : text, { mode: 0o600 })
    await rename(tmp, this.file)
  }

  async clear(): Promise<void> {
    await this.writes
    await rm(this.file, { force: true })
  }
}
