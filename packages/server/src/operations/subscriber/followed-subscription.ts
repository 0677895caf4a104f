import type { Contact, Session, Subscription } from '../../store/store.js'
import type { Services } from '../../services.js'
import { ShareFault, invalidArgument } from '../../share/share-fault.js'

/** The message of the fault answered for a subscription the follower does not have. */
export const NOT_YOUR_SUBSCRIPTION = 'No such subscription for this account.'

/** A follower's subscription and the publisher contact row that holds it. */
export interface FollowedSubscription {
  readonly contact: Contact
  readonly subscription: Subscription
}

/**
The session follower's accepted subscription with this id. A subscription that is not theirs
(another follower's, a pending invitation, an unknown id) answers `InvalidArgument` without
saying whether it exists; one the publisher deleted answers `SubscriptionDeleted`.
*/
export async function followedSubscription(
  services: Services,
  session: Session,
  subscriptionId: string,
): Promise<FollowedSubscription> {
  const contact = await services.store.findFollowerSubscription(
    session.accountId,
    subscriptionId.toLowerCase(),
  )
  if (!contact?.subscription) throw invalidArgument(NOT_YOUR_SUBSCRIPTION)
  if (contact.deletedAt !== undefined) throw new ShareFault('SubscriptionDeleted')
  return { contact, subscription: contact.subscription }
}

/** Whether the publisher shares with this follower now (not paused). */
export function isSharing(subscription: Subscription): boolean {
  return !subscription.paused
}
