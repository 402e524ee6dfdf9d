export interface ServerConfig {
  host: string
  /** 0 picks a free port. */
  port: number
  /** SQLite file path (or :memory:) or a postgres:// URL. */
  databaseUrl: string
  /** HMAC secret for access tokens; when absent one is generated once and kept in the database. */
  tokenSecret?: string
  accessTokenTtlMs: number
  refreshTokenTtlMs: number
  loginThrottle: LoginThrottleConfig
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug'
  inbox: InboxConfig
}

export interface InboxConfig {
  /**
   * How long an agent has to accept an offered conversation before it goes to the next agent;
   * null: the admin's centre setting `inbox.offerTimeoutSec` (tests set a short one here).
   */
  offerTimeoutMs: number | null
  /** How often SLA deadlines are checked. */
  slaCheckIntervalMs: number
}

export interface LoginThrottleConfig {
  /** Failures for one account allowed inside the window before further attempts must wait. */
  freeFailures: number
  /**
   * The same for one client address. Much higher: a whole centre's agents often share one
   * office address, and one agent's typos must not lock out their colleagues.
   */
  freeFailuresPerAddress: number
  /** First wait after the free failures; it doubles with each further failure. */
  baseDelayMs: number
  maxDelayMs: number
  /** Failures older than this are forgotten. */
  windowMs: number
}

export const defaultServerConfig: ServerConfig = {
  host: '127.0.0.1',
  port: 3800,
  databaseUrl: 'data/server.sqlite',
  accessTokenTtlMs: 15 * 60_000,
  refreshTokenTtlMs: 12 * 60 * 60_000,
  loginThrottle: { freeFailures: 5, freeFailuresPerAddress: 100, baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, windowMs: 15 * 60_000 },
  logLevel: 'info',
  inbox: { offerTimeoutMs: null, slaCheckIntervalMs: 5_000 },
}
