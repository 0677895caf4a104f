import { randomUUID } from 'node:crypto'
import type { Store } from '@glucoshare/server'
import { accountIdentity, type DatasetAccount } from './dataset.js'

const DAY = 24 * 60 * 60_000
// Sessions outlive any benchmark; the server's clock stays near the dataset's "now".
const SESSION_LIFETIME = 3650 * DAY

/** An account made by {@link seedAccounts}: its row key (for the bulk loaders) and what clients use. */
export interface SeededAccount extends DatasetAccount {
  readonly key: number
}

/**
Creates `count` publisher accounts through the store's own methods, as the server would: each
with the shared password hash, one open session, an assigned receiver and monitoring active, so
that it can both read and upload. `parallel` calls run at once (PostgreSQL round trips).
*/
export async function seedAccounts(
  store: Store,
  count: number,
  passwordHash: string,
  now: number,
  parallel = 1,
): Promise<SeededAccount[]> {
  const seeded: SeededAccount[] = new Array<SeededAccount>(count)
  let next = 0
  async function worker(): Promise<void> {
    for (let index = next++; index < count; index = next++) {
      seeded[index] = await seedAccount(store, index, passwordHash, now)
    }
  }
  await Promise.all(Array.from({ length: parallel }, worker))
  return seeded
}

async function seedAccount(
  store: Store,
  index: number,
  passwordHash: string,
  now: number,
): Promise<SeededAccount> {
  const { username, serialNumber } = accountIdentity(index)
  const account = await store.createAccount({
    id: randomUUID(),
    kind: 'publisher',
    username,
    displayName: username,
    passwordHash,
    createdAt: now - 30 * DAY,
  })
  const sessionId = randomUUID()
  await store.createSession({
    id: sessionId,
    accountKey: account.key,
    createdAt: now,
    expiresAt: now + SESSION_LIFETIME,
  })
  const assigned = await store.assignReceiver(account.key, serialNumber, randomUUID())
  if (assigned.status !== 'assigned') throw new Error(`receiver ${serialNumber} is taken`)
  await store.setMonitoringActive(account.key, true)
  return { key: account.key, sessionId, serialNumber }
}
