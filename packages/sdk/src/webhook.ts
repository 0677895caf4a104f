/**
The webhooks a follower registers on a glucoshare server (`Subscriber/CreateWebhook`).
@module
*/
import { clientError } from './errors.js'
import { normalizeUuid } from './uuid.js'

/** A registered webhook. */
export interface Webhook {
  readonly webhookId: string
  /** Where the server POSTs each alert event. */
  readonly url: string
  readonly createdAt: Date
}

/** A webhook just created, with the secret its deliveries are signed with. */
export interface CreatedWebhook extends Webhook {
  /**
  The HMAC-SHA256 key of the `Glucoshare-Signature` header (`t=<unix seconds>,v1=<hex>` over
  `<t>.<body>`). The server shows it this once: keep it.
  */
  readonly secret: string
}

/** Reads one webhook of `CreateWebhook` or `ListWebhooks`. */
export function parseWebhook(wire: unknown, operation: string): Webhook {
  const r = (typeof wire === 'object' && wire !== null ? wire : {}) as Record<string, unknown>
  const webhookId = normalizeUuid(r['WebhookId'])
  const created = r['DateTimeCreated']
  if (!webhookId || typeof r['Url'] !== 'string' || typeof created !== 'number') {
    throw clientError('InvalidResponse', operation, { detail: 'a webhook is malformed' })
  }
  return { webhookId, url: r['Url'], createdAt: new Date(created) }
}

/** Reads the answer of `CreateWebhook`. */
export function parseCreatedWebhook(wire: unknown, operation: string): CreatedWebhook {
  const webhook = parseWebhook(wire, operation)
  const secret = (wire as { Secret?: unknown }).Secret
  if (typeof secret !== 'string' || secret === '') {
    throw clientError('InvalidResponse', operation, { detail: 'the webhook has no secret' })
  }
  return { ...webhook, secret }
}

/** A webhook URL checked before it is sent: absolute http(s), no credentials in it. */
export function checkWebhookUrl(url: unknown, operation: string): string {
  let parsed: URL
  try {
    parsed = new URL(String(url))
  } catch {
    throw clientError('WebhookUrlInvalid', operation)
  }
  const web = parsed.protocol === 'http:' || parsed.protocol === 'https:'
  if (!web || parsed.username !== '' || parsed.password !== '') {
    throw clientError('WebhookUrlInvalid', operation)
  }
  return parsed.toString()
}
