import type { Session, Contact, Subscription } from '../../store/store.js'
import type { Services } from '../../services.js'
import { ShareFault, invalidArgument } from '../../share/share-fault.js'

/** How long an invitation stays open: 7 days, as in xDrip+'s sample (spec §3.4). */
export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000

/** `SubscriberId` (and a missing `SubscriptionId`) before anyone accepted: all zeros. */
export const NO_ID = '00000000-0000-0000-0000-000000000000'

/**
`State` values glucoshare answers (Share's own meanings are unknown, spec §3.4 [UNC]):
0 no invitation sent yet (a contact only), 1 invitation pending, 2 accepted (xDrip+'s sample
shows 2 for an existing follower), 3 invitation expired unaccepted.
*/
export const SubscriptionState = { None: 0, Pending: 1, Accepted: 2, Expired: 3 } as const

export function subscriptionState(subscription: Subscription | undefined, now: number): number {
  if (!subscription) return SubscriptionState.None
  if (subscription.subscriberId !== undefined) return SubscriptionState.Accepted
  return now >= subscription.inviteExpires ? SubscriptionState.Expired : SubscriptionState.Pending
}

/** Pending or accepted: the contact cannot be invited again. */
export function isLive(subscription: Subscription | undefined, now: number): boolean {
  const state = subscriptionState(subscription, now)
  return state === SubscriptionState.Pending || state === SubscriptionState.Accepted
}

/** Compares names as the stores do: ASCII letters without regard to case. */
export function sameName(a: string, b: string): boolean {
  const fold = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase())
  return fold(a) === fold(b)
}

/** The session publisher's contact that is not deleted, else `ContactIdNotFound`. */
export async function liveContact(
  services: Services,
  session: Session,
  contactId: string,
): Promise<Contact> {
  const contact = await services.store.findContact(session.accountKey, contactId.toLowerCase())
  if (!contact || contact.deletedAt !== undefined) throw new ShareFault('ContactIdNotFound')
  return contact
}

/** The message of the fault answered for a subscription the publisher does not have. */
export const NO_SUCH_SUBSCRIPTION = 'No such subscription for this account.'

/**
The session publisher's contact holding `subscriptionId` with that subscription, deleted or not;
`InvalidArgument` when the publisher has no such subscription.
*/
export async function subscriptionOf(
  services: Services,
  session: Session,
  subscriptionId: string,
): Promise<{ contact: Contact; subscription: Subscription }> {
  const contact = await services.store.findContactBySubscription(
    session.accountKey,
    subscriptionId.toLowerCase(),
  )
  if (!contact?.subscription) throw invalidArgument(NO_SUCH_SUBSCRIPTION)
  return { contact, subscription: contact.subscription }
}

/** Like {@link subscriptionOf}, but a deleted contact's subscription is not found either. */
export async function liveSubscriptionOf(
  services: Services,
  session: Session,
  subscriptionId: string,
): Promise<{ contact: Contact; subscription: Subscription }> {
  const found = await subscriptionOf(services, session, subscriptionId)
  if (found.contact.deletedAt !== undefined) throw invalidArgument(NO_SUCH_SUBSCRIPTION)
  return found
}
