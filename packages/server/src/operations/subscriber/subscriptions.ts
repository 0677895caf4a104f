import { Type } from '@sinclair/typebox'
import { formatWireDateTime } from '@glucoshare/sdk'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid, UuidAnswer, WireDateTimeSchema } from '../../share/schemas.js'
import { ShareFault, invalidArgument } from '../../share/share-fault.js'
import { NO_ID, subscriptionState } from '../publisher/follower-records.js'
import type { Contact } from '../../store/store.js'

const Subscription = Type.Object({
  ContactId: Type.String(),
  ContactName: Type.String({ description: 'The name the publisher gave this follower.' }),
  DateTimeCreated: WireDateTimeSchema,
  DateTimeModified: WireDateTimeSchema,
  DisplayName: Type.String({ description: 'The publisher, as they asked to be shown.' }),
  InvitationId: Type.String(),
  InviteExpires: WireDateTimeSchema,
  IsEnabled: Type.Boolean({ description: 'false while the publisher pauses sharing.' }),
  IsMonitoringSessionActive: Type.Boolean(),
  Permissions: Type.Integer({ description: '1 = trend graph (history), 0 = latest value only.' }),
  State: Type.Integer({ description: '2 (accepted) for every listed subscription.' }),
  SubscriberId: Type.String({ description: "The follower's own account id." }),
  SubscriptionId: Type.String(),
})

export const listSubscriberAccountSubscriptions = defineOperation({
  area: 'Subscriber',
  name: 'ListSubscriberAccountSubscriptions',
  methods: ['POST'],
  summary: "The follower's subscriptions: the publishers who share with them",
  description:
    'Every invitation the follower accepted that the publisher has not deleted, oldest invitation first (an order the publisher cannot change by pausing or editing, since clients take `[0].SubscriptionId`), with the fields of the 2016-2018 follower clients. Paused subscriptions are listed with `IsEnabled` false. `[]` when there are none.',
  auth: 'follower',
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'json', schema: Type.Array(Subscription) },
  faults: [],
  async handle({ session, services }) {
    const { store, clock } = services
    const now = clock.now()
    // The store orders by modification time, which pausing or a permission change moves.
    const contacts = (await store.listFollowerSubscriptions(session.accountId))
      .filter((contact) => contact.deletedAt === undefined && contact.subscription)
      .sort(byInvitation)
    const monitoring = await Promise.all(
      contacts.map((contact) => store.readMonitoring(contact.accountKey)),
    )
    return contacts.map((contact, i) => {
      const s = contact.subscription!
      return {
        ContactId: contact.id,
        ContactName: contact.name,
        DateTimeCreated: formatWireDateTime(s.createdAt),
        DateTimeModified: formatWireDateTime(s.modifiedAt),
        DisplayName: s.displayName,
        InvitationId: s.invitationId,
        InviteExpires: formatWireDateTime(s.inviteExpires),
        IsEnabled: !s.paused,
        IsMonitoringSessionActive: monitoring[i]!.active,
        Permissions: s.permissions,
        State: subscriptionState(s, now),
        SubscriberId: s.subscriberId ?? NO_ID,
        SubscriptionId: s.id,
      }
    })
  },
})

function byInvitation(a: Contact, b: Contact): number {
  const x = a.subscription!
  const y = b.subscription!
  return x.createdAt - y.createdAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
}

export const acceptSubscriptionInvitation = defineOperation({
  area: 'Subscriber',
  name: 'AcceptSubscriptionInvitation',
  methods: ['POST'],
  summary: 'Accepts an invitation (glucoshare extension); answers the subscription id',
  description:
    "No public client shows how Share accepts invitations, so glucoshare adds this operation in Share's style. The invitation id comes from `Publisher/ReadSubscriptionInviteId`, the invitation e-mail or `glucoshare invitations list`. Answers the subscription id as a bare UUID string; accepting again as the same follower answers it again. An unknown, deleted or already accepted invitation answers `InvalidArgument`; an expired one `InvitationExpired` (the publisher must invite again). A follower who already follows the invitation's publisher (through another of its contacts that is not deleted) gets `InvalidArgument` too, since it would receive every alert twice.",
  auth: 'follower',
  extension: true,
  params: Type.Object({ sessionId: SessionIdParam, invitationId: Uuid('The invitation id.') }),
  response: { kind: 'json', schema: UuidAnswer('The subscription id.') },
  faults: ['InvalidArgument', 'InvitationExpired'],
  async handle({ params, session, services }) {
    const result = await services.store.acceptInvitation(
      params.invitationId.toLowerCase(),
      session.accountId,
      services.clock.now(),
    )
    if (result.status === 'expired') throw new ShareFault('InvitationExpired')
    if (result.status === 'following') {
      throw invalidArgument('This follower already follows this publisher.')
    }
    if (result.status !== 'accepted') throw invalidArgument('No such invitation.')
    // Starts the subscription's alerts now, so NoData counts from the acceptance.
    await services.alerts.subscriptionChanged(result.accountKey, result.subscriptionId)
    return result.subscriptionId
  },
})
