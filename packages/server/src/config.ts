/** What a glucoshare server can be tuned with. Every field is optional; see {@link defaultServerConfig}. */
export interface ServerConfig {
  /**
  How long a session lives after login.
  @default 24 hours, as the community observes of Share
  */
  sessionTtlMs?: number
  /** Failed logins allowed within {@link lockoutWindowMs} before the account is locked. @default 6 */
  lockoutMaxAttempts?: number
  /** Window over which failed logins are counted, and how long a lockout lasts. @default 15 minutes */
  lockoutWindowMs?: number
  /**
  Emit reads in the pre-2022 form (`/Date(ms)/` dates, integer `Trend`) for old clients.
  @default false
  */
  legacyWireFormat?: boolean
  /** How far in the future an uploaded reading may be dated before `FutureEgvPosted`. @default 10 minutes */
  futureToleranceMs?: number
  /** Readings accepted in one `PostReceiverEgvRecords` call. @default 2880 (10 days) */
  maxReadingsPerPost?: number
  /** Largest request body, in bytes. @default 1 MiB */
  bodyLimitBytes?: number
  /** Largest account image, in bytes. @default 256 KiB */
  maxImageBytes?: number
  /**
  Followers (contacts not deleted) one publisher may have; `CreateContact` beyond it answers
  `InvalidArgument`. @default 10, as Dexcom Follow allows
  */
  maxFollowers?: number
  /**
  How long alert events are kept; older ones are purged hourly, except those a pending webhook
  delivery still refers to. 0 keeps them forever. @default 90 days
  */
  alertEventRetentionMs?: number
  /**
  How long finished webhook deliveries (delivered, or failed for good) are kept after they
  finished; pending ones are never purged. 0 keeps them forever. @default 30 days
  */
  webhookDeliveryRetentionMs?: number
}

/** A {@link ServerConfig} with every default filled in. */
export type ResolvedServerConfig = Readonly<Required<ServerConfig>>

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** The defaults of {@link ServerConfig}. */
export const defaultServerConfig: ResolvedServerConfig = Object.freeze({
  sessionTtlMs: 24 * 60 * MINUTE,
  lockoutMaxAttempts: 6,
  lockoutWindowMs: 15 * MINUTE,
  legacyWireFormat: false,
  futureToleranceMs: 10 * MINUTE,
  maxReadingsPerPost: 2880,
  bodyLimitBytes: 1024 * 1024,
  maxImageBytes: 256 * 1024,
  maxFollowers: 10,
  alertEventRetentionMs: 90 * DAY,
  webhookDeliveryRetentionMs: 30 * DAY,
})

/** Fills in defaults and rejects values that cannot work. */
export function resolveServerConfig(config: ServerConfig = {}): ResolvedServerConfig {
  const resolved = { ...defaultServerConfig }
  for (const [key, value] of Object.entries(config) as [keyof ServerConfig, unknown][]) {
    if (value !== undefined) Object.assign(resolved, { [key]: value })
  }
  for (const key of Object.keys(resolved) as (keyof ServerConfig)[]) {
    const value = resolved[key]
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`server option ${key} must be a non-negative number, got ${value}`)
    }
  }
  if (resolved.lockoutMaxAttempts < 1) throw new RangeError('lockoutMaxAttempts must be at least 1')
  return Object.freeze(resolved)
}
