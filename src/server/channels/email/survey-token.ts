import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'

const SECRET_KEY = 'email_survey_secret'

/**
 * The token in a survey link: the conversation id and an HMAC of it, so a customer can rate their
 * own conversation and no other. The secret lives in server_settings (made on first use), so links
 * keep working across restarts.
 */
export class SurveyTokens {
  private constructor(private readonly secret: Buffer) {}

  static async create(db: Kysely<Database>): Promise<SurveyTokens> {
    const existing = await db.selectFrom('server_settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirst()
    if (!existing) {
      await db
        .insertInto('server_settings')
        .values({ key: SECRET_KEY, value: randomBytes(32).toString('base64url') })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
    }
    const stored = await db.selectFrom('server_settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirstOrThrow()
    return new SurveyTokens(Buffer.from(stored.value, 'base64url'))
  }

  sign(conversationId: string): string {
    return `${conversationId}.${this.mac(conversationId)}`
  }

  /** The conversation id, or null for anything not made by `sign`. */
  verify(token: string): string | null {
    if (token.length > 200) return null
    const dot = token.lastIndexOf('.')
    if (dot <= 0) return null
    const id = token.slice(0, dot)
    const given = Buffer.from(token.slice(dot + 1))
    const expected = Buffer.from(this.mac(id))
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : null
  }

  private mac(conversationId: string): string {
    return createHmac('sha256', this.secret).update(`survey:${conversationId}`).digest('base64url')
  }
}
