import {
  DEXCOM_APPLICATION_IDS,
  DEXCOM_BASE_URLS,
  DEXCOM_DEFAULT_UUID,
  DEXCOM_SERVICES_PATH,
  REGIONS,
  type Region,
} from './constants.js'
import { clientError } from './errors.js'
import type { MmolConversion } from './glucose-units.js'
import { normalizeUuid } from './uuid.js'

/** How the client logs in. */
export type LoginMethod = 'byId' | 'byName'

/** Where and how a client connects: the options every glucoshare client shares. */
export interface ShareConnectionOptions {
  /** Dexcom's region, which picks the host and application id. @default 'us' */
  readonly region?: Region | undefined
  /**
  A Share server's URL, such as a glucoshare server's: `https://share.example.org` or the full
  `…/ShareWebServices/Services`. A URL with no path gets `/ShareWebServices/Services` appended.
  Overrides the region's host. @default the region's host
  */
  readonly baseUrl?: string | URL | undefined
  /** @default the region's: `d89443d2-…` for `us`/`ous`, `d8665ade-…` for `jp` */
  readonly applicationId?: string | undefined
  /** Milliseconds to wait for each answer, or `false` for no limit. @default 10000 */
  readonly timeoutMs?: number | false | undefined
  /** The `fetch` to use, such as a test server's in-process handler. @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined
  /**
  `User-Agent` sent outside browsers (which forbid setting it), or `false` for none.
  @default 'glucoshare-sdk'
  */
  readonly userAgent?: string | false | undefined
  /** How readings convert to mmol/L. @default 'dexcom' (÷ 18.0182) */
  readonly mmolConversion?: MmolConversion | undefined
}

/** Options of {@link ShareClient}. Give `password` and one of `username` or `accountId`. */
export interface ShareClientOptions extends ShareConnectionOptions {
  /** Username, email address or phone number (`+<country><number>`) of the publisher. */
  readonly username?: string | undefined
  /** The publisher's account id (a UUID); skips `AuthenticatePublisherAccount`. */
  readonly accountId?: string | undefined
  readonly password: string
  /**
  `byId`: `AuthenticatePublisherAccount` then `LoginPublisherAccountById`, Share's current login.
  `byName`: the one-step `LoginPublisherAccountByName`, for old servers.
  @default 'byId'
  */
  readonly loginMethod?: LoginMethod | undefined
}

/** {@link ShareConnectionOptions} with every default filled in and every value checked. */
export interface ResolvedConnectionOptions {
  readonly baseUrl: string
  readonly applicationId: string
  readonly timeoutMs: number | false
  readonly fetch: typeof fetch
  readonly userAgent: string | false
  readonly mmolConversion: MmolConversion
}

/** {@link ShareClientOptions} with every default filled in and every value checked. */
export interface ResolvedShareClientOptions extends ResolvedConnectionOptions {
  readonly username: string | undefined
  readonly accountId: string | undefined
  readonly password: string
  readonly loginMethod: LoginMethod
}

/** The defaults of {@link ShareClientOptions}. */
export const defaultOptions = Object.freeze({
  region: 'us' as Region,
  loginMethod: 'byId' as LoginMethod,
  timeoutMs: 10_000,
  userAgent: 'glucoshare-sdk',
  mmolConversion: 'dexcom' as MmolConversion,
})

const OPERATION = 'ShareClient'

/** Checks options and fills in defaults. Throws `ArgumentError`; `RangeError` for `timeoutMs`. */
export function normalizeOptions(options: ShareClientOptions): ResolvedShareClientOptions {
  const connection = normalizeConnection(options, OPERATION)
  const { username, accountId } = validateCredentials(options)
  const loginMethod = options.loginMethod ?? defaultOptions.loginMethod
  if (!['byId', 'byName'].includes(loginMethod) || (loginMethod === 'byName' && !username)) {
    throw clientError('LoginMethodInvalid', OPERATION)
  }
  return Object.freeze({
    ...connection,
    username,
    accountId,
    password: options.password,
    loginMethod,
  })
}

/**
Internal: checks the connection options and fills in their defaults; `operation` names the
client in errors.
*/
export function normalizeConnection(
  options: ShareConnectionOptions,
  operation: string,
): ResolvedConnectionOptions {
  const region = options.region ?? defaultOptions.region
  if (!REGIONS.includes(region)) throw clientError('RegionInvalid', operation)
  return {
    baseUrl: resolveBaseUrl(options.baseUrl, region, operation),
    applicationId: applicationIdOf(options.applicationId, region, operation),
    timeoutMs: validateTimeout(options.timeoutMs ?? defaultOptions.timeoutMs),
    fetch:
      options.fetch ??
      ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init)),
    userAgent: options.userAgent ?? defaultOptions.userAgent,
    mmolConversion: options.mmolConversion ?? defaultOptions.mmolConversion,
  }
}

/** Internal: the password, checked to be a non-empty string. */
export function checkPassword(password: unknown, operation: string): string {
  if (typeof password !== 'string' || password === '') {
    throw clientError('PasswordRequired', operation)
  }
  return password
}

/**
Internal: an account id in canonical form. Account ids copied from Dexcom's portal sometimes
lack hyphens (pydexcom README), so 32 hex digits are accepted too.
*/
export function checkAccountId(accountId: unknown, operation: string): string {
  const id = normalizeUuid(hyphenate(String(accountId).trim()))
  if (!id || id === DEXCOM_DEFAULT_UUID) throw clientError('AccountIdInvalid', operation)
  return id
}

function validateCredentials(options: ShareClientOptions): {
  username: string | undefined
  accountId: string | undefined
} {
  const { username, accountId, password } = options
  if (username !== undefined && accountId !== undefined) {
    throw clientError('CredentialsAmbiguous', OPERATION)
  }
  if (username === undefined && accountId === undefined) {
    throw clientError('CredentialsRequired', OPERATION)
  }
  checkPassword(password, OPERATION)
  if (username !== undefined) {
    if (typeof username !== 'string' || username.trim() === '') {
      throw clientError('UsernameInvalid', OPERATION)
    }
    return { username: username.trim(), accountId: undefined }
  }
  return { username: undefined, accountId: checkAccountId(accountId, OPERATION) }
}

function hyphenate(id: string): string {
  return /^[0-9a-f]{32}$/i.test(id)
    ? `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`
    : id
}

function resolveBaseUrl(
  baseUrl: string | URL | undefined,
  region: Region,
  operation: string,
): string {
  if (baseUrl === undefined) return DEXCOM_BASE_URLS[region]
  let url: URL
  try {
    url = new URL(String(baseUrl))
  } catch {
    throw clientError('BaseUrlInvalid', operation)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw clientError('BaseUrlInvalid', operation)
  }
  const path = url.pathname.replace(/\/+$/, '')
  return `${url.origin}${path === '' ? DEXCOM_SERVICES_PATH : path}`
}

function applicationIdOf(given: string | undefined, region: Region, operation: string): string {
  if (given === undefined) return DEXCOM_APPLICATION_IDS[region]
  const id = normalizeUuid(given)
  if (!id) throw clientError('ApplicationIdInvalid', operation)
  return id
}

function validateTimeout(timeoutMs: number | false): number | false {
  if (timeoutMs === false) return false
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError('timeoutMs must be a positive number of milliseconds, or false')
  }
  return timeoutMs
}
