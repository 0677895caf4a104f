/**
Signing of outgoing alert webhooks, and its verification for receivers.

The scheme follows Stripe's: the signed payload is `<unix seconds>.<raw body>`, the MAC is
HMAC-SHA256 keyed with the webhook's secret (its UTF-8 bytes), and the header reads
`Glucoshare-Signature: t=<unix seconds>,v1=<lower-case hex>`. Every attempt is signed afresh,
so a retry hours later still carries a current timestamp.
@module
*/
import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'Glucoshare-Signature'
/** Header carrying the event's id; the same on every retry, so receivers can drop duplicates. */
export const WEBHOOK_EVENT_ID_HEADER = 'Glucoshare-Event-Id'
/** Header carrying the event's type, e.g. `alert.fired`. */
export const WEBHOOK_EVENT_TYPE_HEADER = 'Glucoshare-Event-Type'
/** How far a signature's timestamp may be from the receiver's clock. @default 300 seconds */
export const WEBHOOK_DEFAULT_TOLERANCE_SECONDS = 300

const HEX_SHA256 = /^[0-9a-f]{64}$/
const UNIX_SECONDS = /^\d{1,12}$/

/** `glucoshare-webhooks/<version of @glucoshare/server>`. */
export const WEBHOOK_USER_AGENT = `glucoshare-webhooks/${serverVersion()}`

function serverVersion(): string {
  // The package.json sits two levels up from both src/webhooks and dist/webhooks.
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8')
    const version = (JSON.parse(text) as { version?: unknown }).version
    return typeof version === 'string' ? version : 'unknown'
  } catch {
    return 'unknown'
  }
}

/** The lower-case hex HMAC-SHA256 of `${timestampSeconds}.${body}` keyed with `secret`. */
export function signWebhookPayload(
  secret: string,
  timestampSeconds: number,
  body: string | Uint8Array,
): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex')
}

/** What {@link webhookHeaders} needs. */
export interface WebhookHeadersInput {
  readonly secret: string
  readonly eventId: string
  readonly eventType: string
  readonly body: string
  /** Epoch milliseconds of this attempt. */
  readonly now: number
}

/** Every header of one delivery attempt, signature included. */
export function webhookHeaders(input: WebhookHeadersInput): Record<string, string> {
  const timestamp = Math.floor(input.now / 1000)
  const signature = signWebhookPayload(input.secret, timestamp, input.body)
  return {
    'Content-Type': 'application/json',
    'User-Agent': WEBHOOK_USER_AGENT,
    [WEBHOOK_EVENT_ID_HEADER]: input.eventId,
    [WEBHOOK_EVENT_TYPE_HEADER]: input.eventType,
    [WEBHOOK_SIGNATURE_HEADER]: `t=${timestamp},v1=${signature}`,
  }
}

/**
Checks a `Glucoshare-Signature` header against the raw request body, for webhook receivers.

True only when the header is well formed, its timestamp is within `toleranceSeconds` of `now`
(either side), and one of its `v1` values is the HMAC of this body with `secret`. Several `v1`
values are accepted so that a receiver keeps working while a secret is being rotated.
Comparison is constant-time. Verify the exact bytes received, before any JSON parsing.

@param now Epoch milliseconds, as `Date.now()`.
@example
```ts
const ok = verifyWebhookSignature(secret, req.headers['glucoshare-signature'], rawBody, Date.now())
if (!ok) return reply.code(400).send()
```
*/
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined | null,
  body: string | Uint8Array,
  now: number,
  toleranceSeconds: number = WEBHOOK_DEFAULT_TOLERANCE_SECONDS,
): boolean {
  if (typeof header !== 'string' || secret === '') return false
  const parsed = parseSignatureHeader(header)
  if (!parsed) return false
  if (Math.abs(now / 1000 - parsed.timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(signWebhookPayload(secret, parsed.timestamp, body), 'hex')
  let matched = false
  for (const candidate of parsed.signatures) {
    // No early exit, so the time taken does not tell which candidate matched.
    if (timingSafeEqual(Buffer.from(candidate, 'hex'), expected)) matched = true
  }
  return matched
}

function parseSignatureHeader(
  header: string,
): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const separator = part.indexOf('=')
    if (separator < 0) return undefined
    const key = part.slice(0, separator).trim()
    const value = part.slice(separator + 1).trim()
    if (key === 't') {
      if (timestamp !== undefined || !UNIX_SECONDS.test(value)) return undefined
      timestamp = Number(value)
    } else if (key === 'v1') {
      if (HEX_SHA256.test(value)) signatures.push(value)
    }
    // Other schemes (v0, future ones) are ignored, as Stripe's receivers do.
  }
  if (timestamp === undefined || signatures.length === 0) return undefined
  return { timestamp, signatures }
}
