import { Type } from '@sinclair/typebox'
import { MAX_MAX_COUNT, MAX_MINUTES } from '@glucoshare/sdk'
import { RawJson, defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid, WireEgvSchema } from '../../share/schemas.js'
import { egvArrayJson } from '../../share/egv-json.js'
import { invalidArgument } from '../../share/share-fault.js'
import { readWindowParams } from '../publisher/read-publisher-latest-glucose-values.js'
import { followedSubscription, isSharing } from './followed-subscription.js'

const SubscriptionIdParam = Uuid('Subscription id from `ListSubscriberAccountSubscriptions`.')

const ACCESS_RULES =
  "A subscription that is not the follower's answers `InvalidArgument`; one the publisher deleted, `SubscriptionDeleted`; while the publisher pauses it, `[]`. With `Permissions` 0 (no trend graph) only the newest reading is answered, whatever `maxCount` asks."

export const readSubscriptionLatestGlucoseValues = defineOperation({
  area: 'Subscriber',
  name: 'ReadSubscriptionLatestGlucoseValues',
  methods: ['POST', 'GET'],
  summary: 'The newest readings of a publisher the follower follows',
  description: `Newest first, like \`Publisher/ReadPublisherLatestGlucoseValues\` (same clamping of \`minutes\` and \`maxCount\`). ${ACCESS_RULES}`,
  auth: 'follower',
  params: Type.Object({
    sessionId: SessionIdParam,
    subscriptionId: SubscriptionIdParam,
    ...readWindowParams,
  }),
  response: { kind: 'json', schema: Type.Array(WireEgvSchema) },
  faults: ['InvalidArgument', 'SubscriptionDeleted'],
  async handle({ params, session, services }) {
    const { contact, subscription } = await followedSubscription(
      services,
      session,
      params.subscriptionId,
    )
    const minutes = Math.min(params.minutes, MAX_MINUTES)
    const limit = subscription.permissions === 0 ? 1 : MAX_MAX_COUNT
    const count = Math.min(params.maxCount, limit)
    if (!isSharing(subscription) || minutes === 0 || count === 0) return new RawJson('[]')
    const since = services.clock.now() - minutes * 60_000
    const legacy = services.config.legacyWireFormat
    return new RawJson(await services.store.readEgvJson(contact.accountKey, since, count, legacy))
  },
})

/** How far back "last glucose" looks: Share's own read window. */
const LAST_GLUCOSE_MINUTES = MAX_MINUTES

export const readLastGlucoseFromSubscriptions = defineOperation({
  area: 'Subscriber',
  name: 'ReadLastGlucoseFromSubscriptions',
  methods: ['POST'],
  summary: 'The newest reading of each of several subscriptions',
  description: `The body is a JSON array of subscription ids. Answers an array in the order asked, one \`{"SubscriptionId", "Egv"}\` object per subscription that has a reading in the last 24 hours to show (clients read \`[0].Egv\`); a paused subscription, or one with no recent reading, is left out. Any id that is not the follower's answers \`InvalidArgument\` and any deleted one \`SubscriptionDeleted\`, for the whole request. At most 50 ids.`,
  auth: 'follower',
  params: Type.Object({ sessionId: SessionIdParam }),
  body: Type.Array(SubscriptionIdParam, { maxItems: 50 }),
  response: {
    kind: 'json',
    schema: Type.Array(Type.Object({ SubscriptionId: Type.String(), Egv: WireEgvSchema })),
  },
  faults: ['InvalidArgument', 'SubscriptionDeleted'],
  async handle({ body, session, services }) {
    if (body.length === 0) throw invalidArgument('The body must list at least one subscription id.')
    const followed = []
    for (const id of body) followed.push(await followedSubscription(services, session, id))
    const since = services.clock.now() - LAST_GLUCOSE_MINUTES * 60_000
    const parts: string[] = []
    for (const { contact, subscription } of followed) {
      if (!isSharing(subscription)) continue
      const [reading] = await services.store.readLatest(contact.accountKey, since, 1)
      if (!reading) continue
      // One reading's array without its brackets is that reading's object.
      const egv = egvArrayJson([reading], services.config.legacyWireFormat).slice(1, -1)
      parts.push(`{"SubscriptionId":${JSON.stringify(subscription.id)},"Egv":${egv}}`)
    }
    return new RawJson(`[${parts.join(',')}]`)
  },
})
