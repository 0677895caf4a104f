/**
`glucoshare doctor`'s diagnosis: check how the login is typed, try it, and when Share refuses it
try the other regions, since Dexcom answers a wrong region exactly like a wrong password
(spec 1; users.md 2.1). The budget is lockout-safe: at most one attempt per region, never more
than {@link MAX_LOGIN_ATTEMPTS}, and none after a lockout.
@module
*/
import {
  REGIONS,
  ShareClient,
  isAccountError,
  isAccountLockedError,
  isShareError,
  type Region,
} from '@glucoshare/sdk'
import { CLIError, EXIT } from '../cli-error.js'
import { explainShareError, insecureFetch } from '../open-share-client.js'
import { LOCKOUT_ADVICE, readingsAdvice, refusedAdvice } from './doctor-advice.js'
import { checkAccountId, checkPassword, checkUsername, type Finding } from './check-identity.js'

/** Most logins one diagnosis tries. */
export const MAX_LOGIN_ATTEMPTS = 3

/** The login to diagnose, as given (the username untrimmed). */
export interface DoctorCredentials {
  readonly username?: string | undefined
  readonly accountId?: string | undefined
  readonly password: string
  readonly region: Region
  /** A Share-compatible server instead of Dexcom's regions. */
  readonly server?: string | undefined
  readonly insecure?: boolean | undefined
}

/** Test seams; by default doctor talks to Dexcom's hosts with the global `fetch`. */
export interface DoctorOptions {
  /** Base URLs to use for the regions instead of Dexcom's. */
  readonly regionBaseUrls?: Partial<Record<Region, string>> | undefined
  readonly fetch?: typeof fetch | undefined
  /** @default 10000 */
  readonly timeoutMs?: number | undefined
  /** @default Date.now */
  readonly now?: () => number
}

/** One login attempt and how it went. */
export interface LoginAttempt {
  /** `region us (share2.dexcom.com)` or `127.0.0.1:8080`. */
  readonly target: string
  readonly outcome: 'works' | 'refused' | 'locked' | 'failed'
  readonly detail: string
}

/** What doctor found. */
export interface DoctorReport {
  readonly findings: readonly Finding[]
  readonly attempts: readonly LoginAttempt[]
  /** After a working login: the newest reading, or why there is none. */
  readonly readings?: string | undefined
  readonly diagnosis: string
  readonly fixes: readonly string[]
  readonly exitCode: number
}

/** Runs the diagnosis. Throws a {@link CLIError} only for an unusable `--server`. */
export async function diagnoseLogin(
  credentials: DoctorCredentials,
  options: DoctorOptions = {},
): Promise<DoctorReport> {
  const findings = [
    ...(credentials.username !== undefined
      ? checkUsername(credentials.username)
      : checkAccountId(credentials.accountId ?? '')),
    ...checkPassword(credentials.password),
  ]
  const errors = findings.filter((f) => f.level === 'error')
  if (errors.length > 0) {
    return {
      findings,
      attempts: [],
      diagnosis:
        'doctor did not try to log in: a login typed this way cannot work, and every failed login counts towards the lockout',
      fixes: errors.flatMap((f) => (f.fix ? [f.fix] : [])),
      exitCode: EXIT.usage,
    }
  }
  const attempts: LoginAttempt[] = []
  const first = await attempt(credentials, credentials.region, options, true)
  attempts.push(first.attempt)
  const hints = findings.flatMap((f) => (f.level === 'warning' && f.fix ? [f.fix] : []))
  const report = (
    diagnosis: string,
    fixes: readonly string[],
    exitCode: number,
    readings?: string,
  ) => ({ findings, attempts, readings, diagnosis, fixes, exitCode }) satisfies DoctorReport
  switch (first.attempt.outcome) {
    case 'works': {
      const readings = await readingsCheck(first.client!, options)
      return report('the login works', readings.fixes, EXIT.ok, readings.text)
    }
    case 'locked':
      return report(first.attempt.detail, [LOCKOUT_ADVICE], EXIT.failure)
    case 'failed':
      return report(first.attempt.detail, [], EXIT.failure)
  }
  if (credentials.server !== undefined) {
    return report(
      `${first.attempt.target} refused the login`,
      [...hints, ...refusedAdvice(first.attempt.target)],
      EXIT.failure,
    )
  }
  for (const region of REGIONS.filter((r) => r !== credentials.region)) {
    if (attempts.length >= MAX_LOGIN_ATTEMPTS) break
    const next = await attempt(credentials, region, options, false)
    attempts.push(next.attempt)
    if (next.attempt.outcome === 'works') {
      return report(
        `the account is in region ${region}, not ${credentials.region}`,
        [
          `add --region ${region} (or set GLUCOSHARE_REGION=${region}, or "region": "${region}" in the config file)`,
        ],
        EXIT.failure,
      )
    }
    if (next.attempt.outcome === 'locked') {
      return report(next.attempt.detail, [LOCKOUT_ADVICE], EXIT.failure)
    }
  }
  const unchecked = attempts.filter((a) => a.outcome === 'failed').map((a) => a.target)
  return report(
    unchecked.length === 0
      ? 'every region refused the login'
      : `the login was refused, and ${unchecked.join(' and ')} could not be checked`,
    [...hints, ...refusedAdvice(undefined)],
    EXIT.failure,
  )
}

async function attempt(
  credentials: DoctorCredentials,
  region: Region,
  options: DoctorOptions,
  configured: boolean,
): Promise<{ attempt: LoginAttempt; client?: ShareClient }> {
  const baseUrl =
    configured && credentials.server ? credentials.server : options.regionBaseUrls?.[region]
  const fetch =
    options.fetch ??
    (configured && credentials.insecure && credentials.server ? insecureFetch : undefined)
  let client: ShareClient
  try {
    client = new ShareClient({
      ...(credentials.username !== undefined
        ? { username: credentials.username.trim() }
        : { accountId: credentials.accountId }),
      password: credentials.password,
      region,
      ...(baseUrl !== undefined ? { baseUrl } : {}),
      ...(fetch !== undefined ? { fetch } : {}),
      timeoutMs: options.timeoutMs ?? 10_000,
      userAgent: 'glucoshare-doctor',
    })
  } catch (error) {
    if (!isShareError(error)) throw error
    throw new CLIError(
      '--server must be an absolute http(s) URL, such as https://share.example.org',
      EXIT.usage,
    )
  }
  const host = new URL(client.baseUrl).host
  const target = configured && credentials.server ? host : `region ${region} (${host})`
  try {
    await client.login()
    return { attempt: { target, outcome: 'works', detail: 'login works' }, client }
  } catch (error) {
    if (isAccountLockedError(error)) {
      return {
        attempt: {
          target,
          outcome: 'locked',
          detail: `${host} has locked the account after too many failed logins`,
        },
      }
    }
    if (isAccountError(error)) {
      return { attempt: { target, outcome: 'refused', detail: 'login refused' } }
    }
    const explained = explainShareError(error, host)
    if (!(explained instanceof CLIError)) throw explained
    return { attempt: { target, outcome: 'failed', detail: explained.message } }
  }
}

async function readingsCheck(
  client: ShareClient,
  options: DoctorOptions,
): Promise<{ text: string; fixes: string[] }> {
  try {
    const reading = await client.getLatestGlucoseReading()
    if (!reading) return { text: 'no reading in the last 24 hours', fixes: readingsAdvice() }
    const minutes = Math.max(0, Math.round(reading.ageMs((options.now ?? Date.now)()) / 60_000))
    return { text: `newest reading ${minutes} min ago`, fixes: [] }
  } catch (error) {
    const explained = explainShareError(error, new URL(client.baseUrl).host)
    return {
      text: `the readings could not be read: ${explained instanceof Error ? explained.message : String(explained)}`,
      fixes: [],
    }
  }
}
