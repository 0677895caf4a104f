/**
One HTTP attempt at a webhook delivery, and what its outcome means for the next one.
@module
*/
import type { WebhookDelivery } from './webhook-outbox.js'
import { webhookHeaders } from './sign-webhook.js'
import { parseRetryAfter } from './webhook-retry-policy.js'

/** What one attempt came to. `error` texts never contain the URL or the secret. */
export type WebhookAttemptOutcome =
  | { readonly kind: 'delivered'; readonly status: number }
  | { readonly kind: 'retry'; readonly error: string; readonly retryAfterMs?: number }
  | { readonly kind: 'permanent'; readonly error: string }

/** What {@link attemptWebhookDelivery} works with. */
export interface WebhookAttemptContext {
  readonly fetch: typeof globalThis.fetch
  /** Epoch ms of this attempt: the signature's timestamp, and the base of an HTTP-date `Retry-After`. */
  readonly now: number
  readonly timeoutMs: number
}

/**
POSTs the delivery once. 2xx is success. Network errors, timeouts, 408, 429 and 5xx are worth
retrying; redirects are not followed (a signed alert must not be replayed to another host);
every other status, and a URL that cannot work, fails for good.
*/
export async function attemptWebhookDelivery(
  delivery: WebhookDelivery,
  context: WebhookAttemptContext,
): Promise<WebhookAttemptOutcome> {
  const url = parseWebhookUrl(delivery.url)
  if (typeof url === 'string') return { kind: 'permanent', error: url }
  let response: Response
  try {
    response = await context.fetch(url, {
      method: 'POST',
      headers: webhookHeaders({ ...delivery, now: context.now }),
      body: delivery.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(context.timeoutMs),
    })
  } catch (error) {
    return { kind: 'retry', error: describeFetchError(error, context.timeoutMs) }
  }
  // Only the status matters; dropping the body frees the connection.
  await response.body?.cancel().catch(() => undefined)
  return classifyStatus(response, context.now)
}

/** The URL, or why it cannot be used (without echoing it: its path may hold a token). */
function parseWebhookUrl(text: string): URL | string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'the webhook URL is not a valid URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'the webhook URL must use http or https'
  }
  if (url.username !== '' || url.password !== '') {
    return 'the webhook URL must not contain a user name or password'
  }
  return url
}

function classifyStatus(response: Response, now: number): WebhookAttemptOutcome {
  const { status } = response
  if (status >= 200 && status < 300) return { kind: 'delivered', status }
  if (status >= 300 && status < 400) {
    return {
      kind: 'permanent',
      error: `HTTP ${status}: redirects are not followed; configure the final URL`,
    }
  }
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs =
      status === 429 || status === 503
        ? parseRetryAfter(response.headers.get('retry-after'), now)
        : undefined
    return {
      kind: 'retry',
      error: `HTTP ${status}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    }
  }
  return { kind: 'permanent', error: `HTTP ${status}` }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : ''
  if (name === 'TimeoutError' || name === 'AbortError') {
    return `no answer within ${timeoutMs} ms`
  }
  // fetch's own messages are generic ("fetch failed"); the cause's code says what happened.
  // Messages themselves are not copied: some echo the URL.
  const code = errorCode(error) ?? errorCode(error instanceof Error ? error.cause : undefined)
  return code ? `network error (${code})` : 'network error'
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined
  const { code } = error as { code: unknown }
  return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined
}
