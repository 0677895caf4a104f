/**
A follower's subscription, as `Subscriber/ListSubscriberAccountSubscriptions` lists it.
@module
*/
import { clientError } from './errors.js'
import { normalizeUuid } from './uuid.js'
import { parseShareDate } from './wire-date.js'

/** One publisher the follower follows. */
export interface FollowerSubscription {
  /** The id every follower read takes. */
  readonly subscriptionId: string
  /** The publisher, as they asked to be shown. */
  readonly displayName: string
  /** The name the publisher gave this follower. */
  readonly contactName: string
  readonly contactId: string
  readonly invitationId: string
  /** False while the publisher pauses sharing: reads then answer no readings. */
  readonly isEnabled: boolean
  /** True while the publisher's uploads are on. */
  readonly isMonitoringSessionActive: boolean
  /** 1: the follower may read history; 0: only the newest reading. */
  readonly permissions: number
  /** 2 (accepted) on glucoshare, for every listed subscription. */
  readonly state: number
  /** The follower's own account id. */
  readonly subscriberId: string
  readonly createdAt: Date
  readonly modifiedAt: Date
  readonly inviteExpiresAt: Date
  /** The record as the server sent it. */
  readonly raw: Readonly<Record<string, unknown>>
}

/** Reads the answer of `ListSubscriberAccountSubscriptions`. */
export function parseFollowerSubscriptions(
  wire: unknown,
  operation: string,
): FollowerSubscription[] {
  if (!Array.isArray(wire)) throw clientError('InvalidResponse', operation)
  return wire.map((item) => parseFollowerSubscription(item, operation))
}

function parseFollowerSubscription(wire: unknown, operation: string): FollowerSubscription {
  const invalid = (field: string) =>
    clientError('InvalidResponse', operation, { detail: `a subscription has no valid ${field}` })
  if (typeof wire !== 'object' || wire === null || Array.isArray(wire)) throw invalid('record')
  const r = wire as Record<string, unknown>
  const id = (field: string) => normalizeUuid(r[field]) ?? throwError(invalid(field))
  const text = (field: string) =>
    typeof r[field] === 'string' ? (r[field] as string) : throwError(invalid(field))
  const date = (field: string) => dateTimeOf(r[field]) ?? throwError(invalid(field))
  return {
    subscriptionId: id('SubscriptionId'),
    displayName: text('DisplayName'),
    contactName: text('ContactName'),
    contactId: id('ContactId'),
    invitationId: id('InvitationId'),
    isEnabled: r['IsEnabled'] === true,
    isMonitoringSessionActive: r['IsMonitoringSessionActive'] === true,
    permissions: typeof r['Permissions'] === 'number' ? r['Permissions'] : 0,
    state: typeof r['State'] === 'number' ? r['State'] : 0,
    subscriberId: id('SubscriberId'),
    createdAt: date('DateTimeCreated'),
    modifiedAt: date('DateTimeModified'),
    inviteExpiresAt: date('InviteExpires'),
    raw: Object.freeze({ ...r }),
  }
}

/** Share's `{"DateTime":"/Date(ms)/","OffsetMinutes":n}` object, or a bare date string. */
function dateTimeOf(value: unknown): Date | undefined {
  const text =
    typeof value === 'object' && value !== null ? (value as { DateTime?: unknown }).DateTime : value
  const parsed = parseShareDate(text)
  return parsed ? new Date(parsed.epochMs) : undefined
}

function throwError(error: Error): never {
  throw error
}
