import { randomUUID } from 'node:crypto'
import { DEXCOM_DEFAULT_UUID } from '@glucoshare/sdk'
import type { Account, Session, Store } from '../store/store.js'
import type { Clock } from '../clock.js'
import type { Services } from '../services.js'
import { ShareFault } from '../share/share-fault.js'

/** Opens a session for an account and returns its id (a random lower-case UUID, never all zeros). */
export async function openSession(
  { store, config, clock }: Services,
  account: Account,
): Promise<string> {
  let id = randomUUID()
  while (id === DEXCOM_DEFAULT_UUID) id = randomUUID()
  const now = clock.now()
  await store.createSession({
    id,
    accountKey: account.key,
    createdAt: now,
    expiresAt: now + config.sessionTtlMs,
  })
  return id
}

/**
Resolves a session id (already validated as a UUID and lower-cased).
Unknown ids give `SessionIdNotFound`, expired or ended ones `SessionNotValid`: clients re-login on both.
*/
export async function requireSession(
  store: Store,
  clock: Clock,
  sessionId: string,
  kind: Account['kind'],
): Promise<Session> {
  return checkSession(await store.findSession(sessionId), clock, kind)
}

/** The checks of {@link requireSession}, on a session the caller found (or did not). */
export function checkSession(
  session: Session | undefined,
  clock: Clock,
  kind: Account['kind'],
): Session {
  if (!session) throw new ShareFault('SessionIdNotFound')
  if (session.expiresAt <= clock.now()) throw new ShareFault('SessionNotValid')
  // A follower session cannot drive the publisher API and vice versa; Share reports it as not found.
  if (session.kind !== kind) throw new ShareFault('SessionIdNotFound')
  return session
}
