import { Type } from '@sinclair/typebox'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid } from '../../share/schemas.js'
import { ShareFault } from '../../share/share-fault.js'
import { ALERT_KINDS } from '../../alerts/alert-kind.js'
import { pascalCaseKeys } from '../../alerting/alert-event-json.js'
import { followedSubscription } from './followed-subscription.js'

const SubscriptionIdParam = Uuid('Subscription id from `ListSubscriberAccountSubscriptions`.')
const Kind = Type.Union(
  ALERT_KINDS.map((kind) => Type.Literal(kind)),
  { description: 'The alert.' },
)
const MAX_EVENTS = 500

const Event = Type.Object(
  {
    EventId: Type.String(),
    SubscriptionId: Type.String(),
    Kind: Type.String({ examples: ['urgentLow'] }),
    Type: Type.String({ description: '`fired`, `realarm`, `cleared` or `acknowledged`.' }),
    At: Type.Integer({ description: 'Epoch milliseconds.' }),
  },
  {
    additionalProperties: true,
    description:
      'Also, where they apply: `Value` and `ReadingTime` (the reading), `Threshold`, `Rate` (mg/dL per minute), `Predicted`, `Since`, `LastDataAt`, `SilencedUntil`, `Reason`.',
  },
)

const Firing = Type.Object({
  Kind: Type.String(),
  Since: Type.Union([Type.Integer(), Type.Null()]),
  FiredAt: Type.Union([Type.Integer(), Type.Null()]),
  LastNotifiedAt: Type.Union([Type.Integer(), Type.Null()]),
  AcknowledgedAt: Type.Union([Type.Integer(), Type.Null()]),
  Silenced: Type.Boolean(),
  SilencedUntil: Type.Union([Type.Integer(), Type.Null()]),
})

export const readAlertEvents = defineOperation({
  area: 'Subscriber',
  name: 'ReadAlertEvents',
  methods: ['POST', 'GET'],
  summary: 'Current and recent alerts of one subscription (glucoshare extension)',
  description: `\`Current\`: the alerts sounding now (fired and not cleared), acknowledged ones marked \`Silenced\`. \`Events\`: what happened in the last \`minutes\` (default 1440, at most 43200 = 30 days), newest first, at most ${MAX_EVENTS}. Times are epoch milliseconds. A subscription that is not the follower's answers \`InvalidArgument\`, a deleted one \`SubscriptionDeleted\`.`,
  auth: 'follower',
  extension: true,
  params: Type.Object({
    sessionId: SessionIdParam,
    subscriptionId: SubscriptionIdParam,
    minutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 43_200 })),
  }),
  response: {
    kind: 'json',
    schema: Type.Object({ Current: Type.Array(Firing), Events: Type.Array(Event) }),
  },
  faults: ['InvalidArgument', 'SubscriptionDeleted'],
  async handle({ params, session, services }) {
    const { contact, subscription } = await followedSubscription(
      services,
      session,
      params.subscriptionId,
    )
    const now = services.clock.now()
    const since = now - (params.minutes ?? 1440) * 60_000
    const [current, events] = await Promise.all([
      services.alerts.current(contact.accountKey, subscription.id),
      services.store.listAlertEvents(contact.accountKey, subscription.id, since, MAX_EVENTS),
    ])
    return {
      Current: current.map((alert) => pascalCaseKeys(alert)),
      Events: events.map((event) => ({
        EventId: event.id,
        SubscriptionId: event.subscriptionId,
        ...pascalCaseKeys(JSON.parse(event.data) as Record<string, unknown>),
      })),
    }
  },
})

export const acknowledgeAlert = defineOperation({
  area: 'Subscriber',
  name: 'AcknowledgeAlert',
  methods: ['POST'],
  summary: 'Silences a sounding alert until its re-alarm time (glucoshare extension)',
  description:
    "The alert stays quiet for its `RealarmDelay` (with `PT0M`, until it clears) and sounds again if its condition still holds. The acknowledgement is the follower's own and is recorded as an `acknowledged` event. An alert that is not sounding answers `AlertNotActive`; a subscription that is not the follower's `InvalidArgument`, a deleted one `SubscriptionDeleted`.",
  auth: 'follower',
  extension: true,
  params: Type.Object({
    sessionId: SessionIdParam,
    subscriptionId: SubscriptionIdParam,
    kind: Kind,
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'SubscriptionDeleted', 'AlertNotActive'],
  async handle({ params, session, services }) {
    const { contact, subscription } = await followedSubscription(
      services,
      session,
      params.subscriptionId,
    )
    const acknowledged = await services.alerts.acknowledge(
      contact.accountKey,
      subscription,
      params.kind,
    )
    if (!acknowledged) throw new ShareFault('AlertNotActive')
  },
})
