import type { Contact, Store } from '../../store/store.js'
import { ShareFault } from '../../share/share-fault.js'

/** How many times an update reads the contact afresh when another write got there first. */
export const CONTACT_UPDATE_ATTEMPTS = 5

/** The message of the fault answered when the contact changed under every attempt. */
export const CONTACT_KEPT_CHANGING = 'The contact kept changing during the request; try again.'

/**
Applies a publisher's change to a contact without losing a write that lands between its read and
its save (issue 5): `attempt` reads the contact, checks it (throwing the operation's faults) and
answers the changed contact; when {@link Store.saveContact} finds the contact changed since that
read, `attempt` runs again on a fresh read. Answers the contact as saved. After
{@link CONTACT_UPDATE_ATTEMPTS} lost races it answers HTTP 503 `ServiceUnavailable` (with
`Retry-After`), which tells the client that the same request may work later.
*/
export async function updateContact<C extends Contact>(
  store: Store,
  attempt: () => Promise<C>,
): Promise<C> {
  for (let tries = 0; tries < CONTACT_UPDATE_ATTEMPTS; tries += 1) {
    const changed = await attempt()
    if (await store.saveContact(changed)) return { ...changed, version: changed.version + 1 }
  }
  throw new ShareFault('ServiceUnavailable', CONTACT_KEPT_CHANGING, 503)
}
