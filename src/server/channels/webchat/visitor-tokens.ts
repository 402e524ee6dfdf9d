import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Database } from '../../db/schema'

const SECRET_KEY = 'webchat_visitor_secret'
const VERSION = 'v1'
const VISITOR_ID = /^[a-f0-9]{32}$/

/**
 * A web-chat visitor is who their token says: `v1.<visitor id>.<HMAC of it>`. The token is all a
 * visitor has (no password), so it is unguessable and cannot be forged into another visitor's id;
 * a missing or forged one simply gets a fresh visitor. The secret lives in server_settings, so
 * visitors stay themselves across restarts.
 */
export class VisitorTokens {
  private constructor(private readonly key: Buffer) {}

  static async create(db: Kysely<Database>): Promise<VisitorTokens> {
    return new VisitorTokens(Buffer.from(await loadOrCreateSecret(db), 'base64url'))
  }

  /** A new visitor and their token. */
  issue(): { visitorId: string; token: string } {
    const visitorId = randomBytes(16).toString('hex')
    return { visitorId, token: this.sign(visitorId) }
  }

  sign(visitorId: string): string {
    return `${VERSION}.${visitorId}.${this.mac(visitorId)}`
  }

  /** The visitor id of a genuine token, or null. */
  verify(token: unknown): string | null {
    if (typeof token !== 'string' || token.length > 200) return null
    const [version, visitorId, mac, extra] = token.split('.')
    if (version !== VERSION || extra !== undefined || !visitorId || !mac || !VISITOR_ID.test(visitorId)) return null
    const expected = Buffer.from(this.mac(visitorId))
    const given = Buffer.from(mac)
    return given.length === expected.length && timingSafeEqual(given, expected) ? visitorId : null
  }

  private mac(visitorId: string): string {
    return createHmac('sha256', this.key).update(`visitor:${visitorId}`).digest('base64url')
  }
}

/** The short name agents see for a visitor who gave none: 访客 and four characters of their id. */
export function visitorDisplayName(visitorId: string): string {
  return `访客${visitorId.slice(0, 4).toUpperCase()}`
}

async function loadOrCreateSecret(db: Kysely<Database>): Promise<string> {
  const existing = await db.selectFrom('server_settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirst()
  if (existing) return existing.value
  await db
    .insertInto('server_settings')
    .values({ key: SECRET_KEY, value: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute()
  const stored = await db.selectFrom('server_settings').select('value').where('key', '=', SECRET_KEY).executeTakeFirstOrThrow()
  return stored.value
}
