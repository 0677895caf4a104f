import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { formatWireDateTime } from '@glucoshare/sdk'
import { defineOperation } from '../../share/operation.js'
import { SessionIdParam, Uuid, UuidAnswer, WireDateTimeSchema } from '../../share/schemas.js'
import { ShareFault, invalidArgument } from '../../share/share-fault.js'
import {
  WireAlertSettings,
  WireAlertSettingsInput,
  toStoredAlerts,
  toWireAlerts,
} from './alert-settings.js'
import {
  INVITE_TTL_MS,
  NO_ID,
  SubscriptionState,
  isLive,
  liveContact,
  liveSubscriptionOf,
  subscriptionOf,
  subscriptionState,
} from './follower-records.js'
import { updateContact } from './contact-update.js'

const SubscriptionIdParam = Uuid('Subscription id from `CreateSubscriptionInvitation`.')
const subscriptionParams = Type.Object({
  sessionId: SessionIdParam,
  subscriptionId: SubscriptionIdParam,
})
const Permissions = Type.Integer({
  minimum: 0,
  maximum: 1,
  description: '1 = the follower may see the trend graph, 0 = numbers only.',
})

const FAULT_NOTE =
  'A subscription id the publisher does not have (another publisher\'s included) answers `InvalidArgument` "No such subscription for this account."'

export const createSubscriptionInvitation = defineOperation({
  area: 'Publisher',
  name: 'CreateSubscriptionInvitation',
  methods: ['POST'],
  summary: 'Invites a contact to follow; answers the subscription id as a bare UUID string',
  description:
    "The invitation expires 7 days after creation. An alert left out of `AlertSettings` (or a field left out of an alert) takes xDrip+'s defaults; `Permissions` defaults to 1 and `DisplayName` to the publisher's display name. Delays are ISO-8601 durations in whole minutes, at most one day. A contact whose invitation is pending or accepted answers `InvalidArgument`; after an invitation expired, a new one replaces it. When the server has an SMTP server configured, it also e-mails the invitation id to the contact's address.",
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam, contactId: Uuid('Contact id.') }),
  body: Type.Object({
    AlertSettings: Type.Optional(WireAlertSettingsInput),
    Permissions: Type.Optional(Permissions),
    DisplayName: Type.Optional(Type.String({ maxLength: 100 })),
  }),
  response: { kind: 'json', schema: UuidAnswer('The new subscription id.') },
  faults: ['InvalidArgument', 'ContactIdNotFound'],
  async handle({ params, body, session, services }) {
    const { store, clock } = services
    const now = clock.now()
    const { subscription, ...contact } = await updateContact(store, async () => {
      const contact = await liveContact(services, session, params.contactId)
      if (isLive(contact.subscription, now)) {
        throw invalidArgument(
          'The contact already has a pending or accepted subscription; delete the contact to invite again.',
        )
      }
      const alerts = toStoredAlerts(body.AlertSettings)
      const displayName =
        body.DisplayName?.trim() ||
        (await store.findAccountByKey(session.accountKey))?.displayName ||
        ''
      return {
        ...contact,
        subscription: {
          id: randomUUID(),
          invitationId: randomUUID(),
          displayName,
          permissions: body.Permissions ?? 1,
          alertSettings: JSON.stringify(alerts),
          paused: false,
          subscriberId: undefined,
          createdAt: now,
          modifiedAt: now,
          inviteExpires: now + INVITE_TTL_MS,
        },
      }
    })
    // Sent in the background: the invitation stands whether or not the mail goes out, and the
    // publisher can always read its id (ReadSubscriptionInviteId).
    services.invitations
      ?.sendInvitation({
        to: contact.email,
        contactName: contact.name,
        publisherDisplayName: subscription.displayName,
        invitationId: subscription.invitationId,
        expiresAt: subscription.inviteExpires,
      })
      .catch((error: unknown) => services.onBackgroundError?.(error))
    return subscription.id
  },
})

export const readSubscriptionInviteId = defineOperation({
  area: 'Publisher',
  name: 'ReadSubscriptionInviteId',
  methods: ['POST'],
  summary: "The subscription's invitation id, as a bare UUID string",
  description: FAULT_NOTE,
  auth: 'publisher',
  params: subscriptionParams,
  response: { kind: 'json', schema: UuidAnswer('The invitation id.') },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    return (await liveSubscriptionOf(services, session, params.subscriptionId)).subscription
      .invitationId
  },
})

const Follower = Type.Object({
  ContactId: Type.String(),
  ContactName: Type.String(),
  DateTimeCreated: WireDateTimeSchema,
  DateTimeModified: WireDateTimeSchema,
  DisplayName: Type.String(),
  InviteExpires: WireDateTimeSchema,
  IsEnabled: Type.Boolean({ description: 'false while paused.' }),
  IsMonitoringSessionActive: Type.Boolean(),
  Permissions: Type.Integer(),
  State: Type.Integer({
    description: '0 no invitation yet, 1 pending, 2 accepted, 3 expired unaccepted.',
  }),
  SubscriberId: Type.String({ description: 'All zeros until the invitation is accepted.' }),
  SubscriptionId: Type.String({ description: 'All zeros before an invitation is sent.' }),
})

export const listPublisherAccountSubscriptions = defineOperation({
  area: 'Publisher',
  name: 'ListPublisherAccountSubscriptions',
  methods: ['POST'],
  summary: "The publisher's followers (contacts not deleted), oldest first",
  description:
    "A contact with no invitation yet is listed with `State` 0, all-zeros `SubscriptionId`, `IsEnabled` false, `Permissions` 0, the publisher's display name and its creation time for all three dates.",
  auth: 'publisher',
  params: Type.Object({ sessionId: SessionIdParam }),
  response: { kind: 'json', schema: Type.Array(Follower) },
  faults: [],
  async handle({ session, services }) {
    const { store, clock } = services
    const now = clock.now()
    const [contacts, monitoring, account] = await Promise.all([
      store.listContacts(session.accountKey),
      store.readMonitoring(session.accountKey),
      store.findAccountByKey(session.accountKey),
    ])
    return contacts.map((contact) => {
      const s = contact.subscription
      return {
        ContactId: contact.id,
        ContactName: contact.name,
        DateTimeCreated: formatWireDateTime(s?.createdAt ?? contact.createdAt),
        DateTimeModified: formatWireDateTime(s?.modifiedAt ?? contact.createdAt),
        DisplayName: s?.displayName ?? account?.displayName ?? '',
        InviteExpires: formatWireDateTime(s?.inviteExpires ?? contact.createdAt),
        IsEnabled: s !== undefined && !s.paused,
        IsMonitoringSessionActive: monitoring.active,
        Permissions: s?.permissions ?? 0,
        State: subscriptionState(s, now),
        SubscriberId: s?.subscriberId ?? NO_ID,
        SubscriptionId: s?.id ?? NO_ID,
      }
    })
  },
})

export const updateSubscriptionPermissions = defineOperation({
  area: 'Publisher',
  name: 'UpdateSubscriptionPermissions',
  methods: ['POST'],
  summary: 'Lets the follower see the trend graph (1) or numbers only (0)',
  description: FAULT_NOTE,
  auth: 'publisher',
  params: Type.Object({
    sessionId: SessionIdParam,
    subscriptionId: SubscriptionIdParam,
    permissions: Permissions,
  }),
  response: { kind: 'empty' },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    await updateContact(services.store, async () => {
      const { contact, subscription } = await liveSubscriptionOf(
        services,
        session,
        params.subscriptionId,
      )
      return {
        ...contact,
        subscription: {
          ...subscription,
          permissions: params.permissions,
          modifiedAt: services.clock.now(),
        },
      }
    })
  },
})

export const pauseSubscription = defineOperation({
  area: 'General',
  name: 'PauseSubscription',
  methods: ['POST'],
  summary: 'Stops sharing with one follower for now',
  description: `A subscription already paused, expired or deleted answers \`SubscriptionNotPausableState\`. ${FAULT_NOTE}`,
  auth: 'publisher',
  params: subscriptionParams,
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'SubscriptionNotPausableState'],
  async handle({ params, session, services }) {
    const now = services.clock.now()
    const { subscription } = await updateContact(services.store, async () => {
      const { contact, subscription } = await subscriptionOf(
        services,
        session,
        params.subscriptionId,
      )
      if (
        contact.deletedAt !== undefined ||
        subscription.paused ||
        subscriptionState(subscription, now) === SubscriptionState.Expired
      ) {
        throw new ShareFault('SubscriptionNotPausableState')
      }
      return { ...contact, subscription: { ...subscription, paused: true, modifiedAt: now } }
    })
    await services.alerts.subscriptionChanged(session.accountKey, subscription.id)
  },
})

export const resumeSubscription = defineOperation({
  area: 'General',
  name: 'ResumeSubscription',
  methods: ['POST'],
  summary: 'Shares with a paused follower again',
  description: `A subscription that is not paused (or is deleted) answers \`SubscriptionNotPaused\`. ${FAULT_NOTE}`,
  auth: 'publisher',
  params: subscriptionParams,
  response: { kind: 'empty' },
  faults: ['InvalidArgument', 'SubscriptionNotPaused'],
  async handle({ params, session, services }) {
    const { subscription } = await updateContact(services.store, async () => {
      const { contact, subscription } = await subscriptionOf(
        services,
        session,
        params.subscriptionId,
      )
      if (contact.deletedAt !== undefined || !subscription.paused) {
        throw new ShareFault('SubscriptionNotPaused')
      }
      return {
        ...contact,
        subscription: { ...subscription, paused: false, modifiedAt: services.clock.now() },
      }
    })
    await services.alerts.subscriptionChanged(session.accountKey, subscription.id)
  },
})

export const readSubscriptionAlerts = defineOperation({
  area: 'General',
  name: 'ReadSubscriptionAlerts',
  methods: ['POST'],
  summary: "The follower's alert settings as the invitation set them",
  description: FAULT_NOTE,
  auth: 'publisher',
  params: subscriptionParams,
  response: { kind: 'json', schema: WireAlertSettings },
  faults: ['InvalidArgument'],
  async handle({ params, session, services }) {
    const { subscription } = await liveSubscriptionOf(services, session, params.subscriptionId)
    return toWireAlerts(subscription.alertSettings)
  },
})
