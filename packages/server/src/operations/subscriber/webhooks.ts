import { randomBytes, randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid } from '../../share/schemas.js'
import { invalidArgument } from '../../share/share-fault.js'

/** Webhooks one follower may register. */
export const MAX_WEBHOOKS = 5

const Webhook = Type.Object({
  WebhookId: Type.String(),
  Url: Type.String(),
  DateTimeCreated: Type.Integer({ description: 'Epoch milliseconds.' }),
})

/** http(s) URLs only, no credentials in them: they would end up in logs. */
function checkedUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw invalidArgument('Url must be an absolute http or https URL.')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidArgument('Url must be an absolute http or https URL.')
  }
  if (url.username || url.password) throw invalidArgument('Url must not contain credentials.')
  return url.toString()
}

export const createWebhook = defineOperation({
  area: 'Subscriber',
  name: 'CreateWebhook',
  methods: ['POST'],
  summary: "Registers a URL that receives the follower's alert events (glucoshare extension)",
  description: `Every alert event of every subscription of the follower is POSTed to \`Url\` as JSON, signed with HMAC-SHA256 (header \`Glucoshare-Signature: t=<unix seconds>,v1=<hex>\` over \`<t>.<body>\`) and retried with back-off (see docs/alerts-delivery.md). The answer holds the signing \`Secret\`, shown this once. At most ${MAX_WEBHOOKS} webhooks per follower.`,
  auth: 'follower',
  extension: true,
  params: Type.Object({ sessionId: SessionIdParam }),
  body: Type.Object({ Url: Type.String({ minLength: 1, maxLength: 2048 }) }),
  response: {
    kind: 'json',
    schema: Type.Object({ ...Webhook.properties, Secret: Type.String() }),
  },
  faults: ['InvalidArgument'],
  async handle({ body, session, services }) {
    const url = checkedUrl(body.Url)
    const webhook = {
      accountKey: session.accountKey,
      id: randomUUID(),
      url,
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      createdAt: services.clock.now(),
    }
    // The store counts and inserts in one step: concurrent calls cannot pass the cap together.
    if ((await services.store.createWebhook(webhook, MAX_WEBHOOKS)) === 'full') {
      throw invalidArgument(`A follower may have at most ${MAX_WEBHOOKS} webhooks.`)
    }
    return {
      WebhookId: webhook.id,
      Url: webhook.url,
      DateTimeCreated: webhook.createdAt,
      Secret: webhook.secret,
    }
  },
})

export const listWebhooks = defineOperation({
  area: 'Subscriber',
  name: 'ListWebhooks',
  methods: ['POST', 'GET'],
  summary: "The follower's webhooks, without their secrets (glucoshare extension)",
  auth: 'follower',
  extension: true,
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'json', schema: Type.Array(Webhook) },
  faults: [],
  async handle({ session, services }) {
    const webhooks = await services.store.listWebhooks(session.accountKey)
    return webhooks.map((w) => ({ WebhookId: w.id, Url: w.url, DateTimeCreated: w.createdAt }))
  },
})

export const deleteWebhook = defineOperation({
  area: 'Subscriber',
  name: 'DeleteWebhook',
  methods: ['POST'],
  summary: 'Removes a webhook and drops its undelivered events (glucoshare extension)',
  description: 'A webhook id the follower does not have answers `InvalidArgument`.',
  auth: 'follower',
  extension: true,
  params: Type.Object({ sessionId: SessionIdParam, webhookId: Uuid('Webhook id.') }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    const removed = await services.store.deleteWebhook(
      session.accountKey,
      params.webhookId.toLowerCase(),
    )
    if (!removed) throw invalidArgument('No such webhook for this account.')
  },
})
