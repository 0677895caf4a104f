/**
`POST /api/v1/entries` with retries: network failures, timeouts, 429 and 5xx are retried with
exponential backoff; 401 and other 4xx answers are not, since resending cannot fix them.
@module
*/
import { setTimeout as delay } from 'node:timers/promises'
import { CLIError } from '../cli-error.js'
import type { NightscoutEntry } from './nightscout-entry.js'
import type { NightscoutSite } from './nightscout-site.js'

/** How {@link postEntries} talks to the site; tests replace the timing. */
export interface PostOptions {
  /** Attempts per batch, the first included. @default 5 */
  readonly attempts?: number
  /** Wait before the first retry; each further retry waits twice as long. @default 1000 */
  readonly backoffMs?: number
  /** Per-request limit. @default 30000 */
  readonly timeoutMs?: number
  /** @default node:timers/promises setTimeout */
  readonly sleep?: (ms: number) => Promise<unknown>
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch
  /** Told about each retry, in plain words. */
  readonly onRetry?: (reason: string, waitMs: number) => void
}

/**
A failed upload. `retryable` is true when the site was unreachable or failing (trying again later
may work), false when it refused the request (a wrong secret, a rejected entry).
*/
export class NightscoutError extends CLIError {
  readonly retryable: boolean
  constructor(message: string, retryable: boolean) {
    super(message)
    this.retryable = retryable
  }
}

// Longest Retry-After honoured; a site asking for more is treated as failing.
const MAX_RETRY_AFTER_MS = 60_000

/** Uploads one batch, retrying what a retry can fix. Throws a {@link NightscoutError} otherwise. */
export async function postEntries(
  site: NightscoutSite,
  secretHash: string,
  entries: readonly NightscoutEntry[],
  options: PostOptions = {},
): Promise<void> {
  const attempts = options.attempts ?? 5
  const sleep = options.sleep ?? delay
  const body = JSON.stringify(entries)
  let wait = options.backoffMs ?? 1000
  for (let attempt = 1; ; attempt++) {
    const outcome = await postOnce(site, secretHash, body, options)
    if (outcome.ok) return
    if (!outcome.retry || attempt >= attempts) {
      throw new NightscoutError(
        outcome.retry
          ? `${outcome.reason}; gave up after ${attempts} attempts (readings not yet uploaded go next time)`
          : outcome.reason,
        outcome.retry,
      )
    }
    const pause = outcome.retryAfterMs ?? wait
    options.onRetry?.(outcome.reason, pause)
    await sleep(pause)
    wait *= 2
  }
}

type Outcome =
  { ok: true } | { ok: false; retry: boolean; reason: string; retryAfterMs?: number | undefined }

async function postOnce(
  site: NightscoutSite,
  secretHash: string,
  body: string,
  options: PostOptions,
): Promise<Outcome> {
  const doFetch = options.fetch ?? globalThis.fetch
  let response: Response
  try {
    response = await doFetch(site.entriesUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'api-secret': secretHash,
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    })
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError'
    return {
      ok: false,
      retry: true,
      reason: timedOut
        ? `${site.host} did not answer in time`
        : `cannot reach ${site.host}${networkCode(error)}`,
    }
  }
  const text = await response.text().catch(() => '')
  if (response.ok) return { ok: true }
  const status = response.status
  if (status === 401 || status === 403) {
    return {
      ok: false,
      retry: false,
      reason: `${site.host} refused the API secret (HTTP ${status}): give the site's API_SECRET (12 characters or more) in NIGHTSCOUT_API_SECRET or with --api-secret-stdin`,
    }
  }
  const retry = status === 429 || status >= 500
  return {
    ok: false,
    retry,
    reason: `${site.host} answered HTTP ${status}${serverMessage(text)}`,
    retryAfterMs: retry ? retryAfter(response.headers.get('retry-after')) : undefined,
  }
}

function networkCode(error: unknown): string {
  for (let cause = error, depth = 0; depth < 5 && cause instanceof Object; depth++) {
    const code = (cause as { code?: unknown }).code
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return ` (${code})`
    cause = (cause as { cause?: unknown }).cause
  }
  return ''
}

// Nightscout answers errors as { status, message }; show a short, printable message only.
function serverMessage(text: string): string {
  let message: unknown
  try {
    message = (JSON.parse(text) as { message?: unknown }).message
  } catch {
    return ''
  }
  if (typeof message !== 'string' || message.trim() === '') return ''
  return `: ${message
    .replace(/[^\x20-\x7e]/g, ' ')
    .trim()
    .slice(0, 200)}`
}

function retryAfter(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined
  const ms = Number(value.trim()) * 1000
  return ms <= MAX_RETRY_AFTER_MS ? ms : undefined
}
