/**
The conformance suite every {@link Store} implementation must pass: each operation the server
relies on, checked through the contract only. An engine's test file calls {@link runStoreTests}
with a factory that opens a fresh, empty store (migrated or not: the suite calls `migrate()`).
Not part of the build (tsconfig excludes `*.case.ts`).
*/
import { randomUUID } from 'node:crypto'
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { DEXCOM_TREND_NAMES } from '@glucoshare/sdk'
import { egvArrayJson } from '../share/egv-json.js'
import {
  DuplicateKeyError,
  type Account,
  type Contact,
  type NewAccount,
  type NewContact,
  type Reading,
  type Store,
} from './store.js'

/** What a store factory hands the suite: the store and how to dispose of it afterwards. */
export interface StoreUnderTest {
  readonly store: Store
  /** Closes the store and removes whatever it created (files, schemas). */
  cleanup(): Promise<void>
}

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)
const MINUTE = 60_000

/** Runs the conformance suite against stores made by `createStore`, one fresh store per test. */
export function runStoreTests(name: string, createStore: () => Promise<StoreUnderTest>): void {
  describe(`Store conformance: ${name}`, () => {
    let subject: StoreUnderTest
    let store: Store
    let counter = 0

    beforeEach(async () => {
      subject = await createStore()
      store = subject.store
      await store.migrate()
    })

    afterEach(async () => {
      await subject.cleanup()
    })

    function newAccount(overrides: Partial<NewAccount> = {}): NewAccount {
      counter += 1
      return {
        id: randomUUID(),
        kind: 'publisher',
        username: `user${counter}`,
        displayName: `User ${counter}`,
        passwordHash: `hash-${counter}`,
        createdAt: T0 + counter,
        ...overrides,
      }
    }

    function reading(minutesAgo: number, value = 120, trend = 4, offsetMinutes = 0): Reading {
      return { systemTime: T0 - minutesAgo * MINUTE, offsetMinutes, value, trend }
    }

    async function expectDuplicate(promise: Promise<unknown>, field: string): Promise<void> {
      const error: unknown = await promise.then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toBeInstanceOf(DuplicateKeyError)
      expect((error as DuplicateKeyError).field).toBe(field)
    }

    describe('migrate', () => {
      it('can run again on a migrated store without touching its data', async () => {
        const account = await store.createAccount(newAccount())
        await store.insertReadings(account.key, [reading(0)], T0)
        await store.migrate()
        await store.migrate()
        expect(await store.findAccountById(account.id)).toEqual(account)
        expect(await store.readLatest(account.key, 0, 10)).toEqual([reading(0)])
      })
    })

    describe('accounts', () => {
      it('creates an account and answers it with a key, finding it again by id and key', async () => {
        const input = newAccount({
          email: 'Alice@Example.org',
          phone: '+15551234567',
          displayName: 'Alice',
        })
        const account = await store.createAccount(input)
        const expected: Account = {
          key: account.key,
          id: input.id,
          kind: 'publisher',
          username: input.username,
          email: 'Alice@Example.org',
          phone: '+15551234567',
          displayName: 'Alice',
          passwordHash: input.passwordHash,
          createdAt: input.createdAt,
        }
        expect(account).toEqual(expected)
        expect(Number.isInteger(account.key)).toBe(true)
        expect(await store.findAccountById(input.id)).toEqual(expected)
        expect(await store.findAccountByKey(account.key)).toEqual(expected)
      })

      it('answers undefined email and phone for an account created without them', async () => {
        const account = await store.createAccount(newAccount())
        const found = await store.findAccountByKey(account.key)
        expect(found?.email).toBeUndefined()
        expect(found?.phone).toBeUndefined()
      })

      it('keeps the follower kind', async () => {
        const account = await store.createAccount(newAccount({ kind: 'follower' }))
        expect((await store.findAccountById(account.id))?.kind).toBe('follower')
      })

      it('finds an account by username without regard to case', async () => {
        const account = await store.createAccount(newAccount({ username: 'Alice.Smith' }))
        for (const login of ['Alice.Smith', 'alice.smith', 'ALICE.SMITH']) {
          expect((await store.findAccountByLogin(login))?.key).toBe(account.key)
        }
      })

      it('finds an account by email without regard to case', async () => {
        const account = await store.createAccount(newAccount({ email: 'Alice@Example.org' }))
        for (const login of ['Alice@Example.org', 'alice@example.org', 'ALICE@EXAMPLE.ORG']) {
          expect((await store.findAccountByLogin(login))?.key).toBe(account.key)
        }
      })

      it('finds an account by phone number', async () => {
        const account = await store.createAccount(newAccount({ phone: '+15551234567' }))
        expect((await store.findAccountByLogin('+15551234567'))?.key).toBe(account.key)
        expect(await store.findAccountByLogin('+15551234568')).toBeUndefined()
      })

      it('answers undefined for an unknown login, id or key', async () => {
        const account = await store.createAccount(newAccount())
        expect(await store.findAccountByLogin('nobody')).toBeUndefined()
        expect(await store.findAccountById(randomUUID())).toBeUndefined()
        expect(await store.findAccountByKey(account.key + 1000)).toBeUndefined()
      })

      it('refuses a taken username, in any case, with DuplicateKeyError', async () => {
        await store.createAccount(newAccount({ username: 'alice' }))
        await expectDuplicate(store.createAccount(newAccount({ username: 'ALICE' })), 'username')
        await expectDuplicate(store.createAccount(newAccount({ username: 'alice' })), 'username')
      })

      it('refuses a taken email, in any case, with DuplicateKeyError', async () => {
        await store.createAccount(newAccount({ email: 'alice@example.org' }))
        await expectDuplicate(
          store.createAccount(newAccount({ email: 'Alice@Example.ORG' })),
          'email',
        )
      })

      it('refuses a taken phone number with DuplicateKeyError', async () => {
        await store.createAccount(newAccount({ phone: '+15551234567' }))
        await expectDuplicate(store.createAccount(newAccount({ phone: '+15551234567' })), 'phone')
      })

      it('lets several accounts have no email or phone', async () => {
        await store.createAccount(newAccount())
        await store.createAccount(newAccount())
        expect(await store.listAccounts()).toHaveLength(2)
      })

      it('lists every account', async () => {
        expect(await store.listAccounts()).toEqual([])
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount({ kind: 'follower' }))
        const c = await store.createAccount(newAccount({ email: 'c@example.org' }))
        const listed = await store.listAccounts()
        expect([...listed].sort((x, y) => x.key - y.key)).toEqual(
          [a, b, c].sort((x, y) => x.key - y.key),
        )
      })

      it('updates the display name, email and password hash, leaving the rest', async () => {
        const account = await store.createAccount(newAccount({ email: 'old@example.org' }))
        await store.updateAccount(account.key, { displayName: 'New Name' })
        await store.updateAccount(account.key, {
          email: 'new@example.org',
          passwordHash: 'new-hash',
        })
        const updated = await store.findAccountByKey(account.key)
        expect(updated).toEqual({
          ...account,
          displayName: 'New Name',
          email: 'new@example.org',
          passwordHash: 'new-hash',
        })
        expect((await store.findAccountByLogin('NEW@example.org'))?.key).toBe(account.key)
        expect(await store.findAccountByLogin('old@example.org')).toBeUndefined()
      })

      it('does nothing for an empty patch', async () => {
        const account = await store.createAccount(newAccount())
        await store.updateAccount(account.key, {})
        expect(await store.findAccountByKey(account.key)).toEqual(account)
      })

      it("refuses to update the email to another account's with DuplicateKeyError", async () => {
        await store.createAccount(newAccount({ email: 'taken@example.org' }))
        const account = await store.createAccount(newAccount({ email: 'mine@example.org' }))
        await expectDuplicate(
          store.updateAccount(account.key, { email: 'Taken@Example.org' }),
          'email',
        )
        expect((await store.findAccountByKey(account.key))?.email).toBe('mine@example.org')
      })
    })

    describe('images and runtime info', () => {
      it('answers undefined when an account has no image', async () => {
        const account = await store.createAccount(newAccount())
        expect(await store.readAccountImage(account.key)).toBeUndefined()
      })

      it('stores an image with its content type and replaces it on a second write', async () => {
        const account = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 255])
        await store.writeAccountImage(account.key, png, 'image/png')
        const first = await store.readAccountImage(account.key)
        expect(first?.contentType).toBe('image/png')
        expect(Array.from(first?.data ?? [])).toEqual(Array.from(png))

        const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0])
        await store.writeAccountImage(account.key, jpeg, 'image/jpeg')
        const second = await store.readAccountImage(account.key)
        expect(second?.contentType).toBe('image/jpeg')
        expect(Array.from(second?.data ?? [])).toEqual(Array.from(jpeg))
        expect(await store.readAccountImage(other.key)).toBeUndefined()
      })

      it('accepts runtime info, again and again, without changing the account', async () => {
        const account = await store.createAccount(newAccount())
        const info = { DeviceManufacturer: 'Apple', DeviceModel: 'iPhone5,2', AppNumber: 'SW1' }
        await store.writeRuntimeInfo(account.key, info)
        await store.writeRuntimeInfo(account.key, { ...info, AppVersion: '3.0.2.11' })
        expect(await store.findAccountByKey(account.key)).toEqual(account)
      })
    })

    describe('login failures', () => {
      const window = 15 * MINUTE

      it('answers the count of failures in the window, this one included', async () => {
        expect(await store.recordLoginFailure('alice', T0, T0 - window)).toBe(1)
        expect(await store.recordLoginFailure('alice', T0 + 1000, T0 + 1000 - window)).toBe(2)
        expect(await store.recordLoginFailure('alice', T0 + 2000, T0 + 2000 - window)).toBe(3)
        expect(await store.countLoginFailures('alice', T0 - window)).toBe(3)
      })

      it('counts failures per subject', async () => {
        await store.recordLoginFailure('alice', T0, T0 - window)
        await store.recordLoginFailure('alice', T0, T0 - window)
        expect(await store.recordLoginFailure('bob', T0, T0 - window)).toBe(1)
        expect(await store.countLoginFailures('alice', T0 - window)).toBe(2)
        expect(await store.countLoginFailures('bob', T0 - window)).toBe(1)
        expect(await store.countLoginFailures('carol', T0 - window)).toBe(0)
      })

      it('does not count failures older than the window', async () => {
        await store.recordLoginFailure('alice', T0, T0 - window)
        await store.recordLoginFailure('alice', T0 + MINUTE, T0 + MINUTE - window)
        const later = T0 + window + 30_000
        expect(await store.countLoginFailures('alice', later - window)).toBe(1)
        expect(await store.recordLoginFailure('alice', later, later - window)).toBe(2)
        const muchLater = T0 + 3 * window
        expect(await store.countLoginFailures('alice', muchLater - window)).toBe(0)
        expect(await store.recordLoginFailure('alice', muchLater, muchLater - window)).toBe(1)
      })

      it('clears the failures of one subject only', async () => {
        await store.recordLoginFailure('alice', T0, T0 - window)
        await store.recordLoginFailure('bob', T0, T0 - window)
        await store.clearLoginFailures('alice')
        expect(await store.countLoginFailures('alice', T0 - window)).toBe(0)
        expect(await store.countLoginFailures('bob', T0 - window)).toBe(1)
        expect(await store.recordLoginFailure('alice', T0, T0 - window)).toBe(1)
      })
    })

    describe('sessions', () => {
      it('finds a session joined with its account id and kind', async () => {
        const account = await store.createAccount(newAccount({ kind: 'follower' }))
        const id = randomUUID()
        await store.createSession({
          id,
          accountKey: account.key,
          createdAt: T0,
          expiresAt: T0 + 60 * MINUTE,
        })
        expect(await store.findSession(id)).toEqual({
          id,
          accountKey: account.key,
          accountId: account.id,
          kind: 'follower',
          createdAt: T0,
          expiresAt: T0 + 60 * MINUTE,
        })
        expect(await store.findSession(randomUUID())).toBeUndefined()
      })

      it('ends a session: its expiry becomes no later than the time given', async () => {
        const account = await store.createAccount(newAccount())
        const id = randomUUID()
        const other = randomUUID()
        for (const sessionId of [id, other]) {
          await store.createSession({
            id: sessionId,
            accountKey: account.key,
            createdAt: T0,
            expiresAt: T0 + 60 * MINUTE,
          })
        }
        await store.endSession(id, T0 + MINUTE)
        const ended = await store.findSession(id)
        expect(ended).toBeDefined()
        expect(ended!.expiresAt).toBeLessThanOrEqual(T0 + MINUTE)
        expect((await store.findSession(other))?.expiresAt).toBe(T0 + 60 * MINUTE)
      })

      it('does not extend a session that already expired when it is ended later', async () => {
        const account = await store.createAccount(newAccount())
        const id = randomUUID()
        await store.createSession({
          id,
          accountKey: account.key,
          createdAt: T0,
          expiresAt: T0 + MINUTE,
        })
        await store.endSession(id, T0 + 10 * MINUTE)
        expect((await store.findSession(id))?.expiresAt).toBeLessThanOrEqual(T0 + MINUTE)
      })

      it("ends every session of an account except the one named, leaving other accounts' alone", async () => {
        const account = await store.createAccount(newAccount())
        const stranger = await store.createAccount(newAccount())
        const [keep, drop1, drop2, theirs] = [
          randomUUID(),
          randomUUID(),
          randomUUID(),
          randomUUID(),
        ]
        for (const [id, key] of [
          [keep, account.key],
          [drop1, account.key],
          [drop2, account.key],
          [theirs, stranger.key],
        ] as const) {
          await store.createSession({
            id,
            accountKey: key,
            createdAt: T0,
            expiresAt: T0 + 60 * MINUTE,
          })
        }
        await store.endAccountSessions(account.key, keep, T0 + MINUTE)
        expect((await store.findSession(keep))?.expiresAt).toBe(T0 + 60 * MINUTE)
        expect((await store.findSession(drop1))?.expiresAt).toBeLessThanOrEqual(T0 + MINUTE)
        expect((await store.findSession(drop2))?.expiresAt).toBeLessThanOrEqual(T0 + MINUTE)
        expect((await store.findSession(theirs))?.expiresAt).toBe(T0 + 60 * MINUTE)
      })

      it('purges only sessions that expired before the time given and answers how many', async () => {
        const account = await store.createAccount(newAccount())
        const expiries = [T0 - 2 * MINUTE, T0 - MINUTE, T0, T0 + MINUTE]
        const ids = expiries.map(() => randomUUID())
        for (const [i, id] of ids.entries()) {
          await store.createSession({
            id,
            accountKey: account.key,
            createdAt: T0 - 60 * MINUTE,
            expiresAt: expiries[i]!,
          })
        }
        expect(await store.purgeSessions(T0)).toBe(2)
        expect(await store.findSession(ids[0]!)).toBeUndefined()
        expect(await store.findSession(ids[1]!)).toBeUndefined()
        expect((await store.findSession(ids[2]!))?.expiresAt).toBe(T0)
        expect((await store.findSession(ids[3]!))?.expiresAt).toBe(T0 + MINUTE)
        expect(await store.purgeSessions(T0)).toBe(0)
      })
    })

    describe('monitoring and receivers', () => {
      it('starts inactive, with no receiver and no upload', async () => {
        const account = await store.createAccount(newAccount())
        expect(await store.readMonitoring(account.key)).toEqual({
          active: false,
          receiver: undefined,
          lastUploadAt: undefined,
        })
      })

      it('reads monitoring by session: the session with its account state, as readMonitoring', async () => {
        const account = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        const id = randomUUID()
        await store.createSession({ id, accountKey: account.key, createdAt: T0, expiresAt: T0 })
        const bare = await store.readMonitoringBySession(id)
        expect(bare).toEqual({
          session: await store.findSession(id),
          monitoring: await store.readMonitoring(account.key),
        })
        expect(bare?.monitoring).toEqual({
          active: false,
          receiver: undefined,
          lastUploadAt: undefined,
        })
        await store.setMonitoringActive(account.key, true)
        await store.assignReceiver(account.key, 'SM11112222', randomUUID())
        await store.assignReceiver(other.key, 'SM33334444', randomUUID())
        await store.insertReadings(account.key, [reading(0)], T0 + MINUTE)
        const full = await store.readMonitoringBySession(id)
        expect(full).toEqual({
          session: await store.findSession(id),
          monitoring: await store.readMonitoring(account.key),
        })
        expect(full?.monitoring.active).toBe(true)
        expect(full?.monitoring.receiver?.serialNumber).toBe('SM11112222')
        expect(full?.monitoring.lastUploadAt).toBe(T0 + MINUTE)
        expect(await store.readMonitoringBySession(randomUUID())).toBeUndefined()
        expect(await store.readMonitoringBySession('not-a-uuid')).toBeUndefined()
      })

      it('turns monitoring on and off', async () => {
        const account = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        await store.setMonitoringActive(account.key, true)
        expect((await store.readMonitoring(account.key)).active).toBe(true)
        expect((await store.readMonitoring(other.key)).active).toBe(false)
        await store.setMonitoringActive(account.key, false)
        expect((await store.readMonitoring(account.key)).active).toBe(false)
      })

      it('assigns a receiver and finds its owner by serial number', async () => {
        const account = await store.createAccount(newAccount())
        const receiverId = randomUUID()
        expect(await store.assignReceiver(account.key, 'SM11112222', receiverId)).toEqual({
          status: 'assigned',
          receiverId,
        })
        expect((await store.readMonitoring(account.key)).receiver).toEqual({
          id: receiverId,
          serialNumber: 'SM11112222',
        })
        expect(await store.findReceiverOwner('SM11112222')).toBe(account.key)
        expect(await store.findReceiverOwner('SM00000000')).toBeUndefined()
      })

      it('replaces the receiver on a second assignment, freeing the old serial number', async () => {
        const account = await store.createAccount(newAccount())
        await store.assignReceiver(account.key, 'SM11112222', randomUUID())
        const second = randomUUID()
        expect(await store.assignReceiver(account.key, 'SM33334444', second)).toEqual({
          status: 'assigned',
          receiverId: second,
        })
        expect((await store.readMonitoring(account.key)).receiver).toEqual({
          id: second,
          serialNumber: 'SM33334444',
        })
        expect(await store.findReceiverOwner('SM11112222')).toBeUndefined()
        expect(await store.findReceiverOwner('SM33334444')).toBe(account.key)
      })

      it("answers taken for another account's serial number and changes nothing", async () => {
        const owner = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        const ownerReceiver = randomUUID()
        const otherReceiver = randomUUID()
        await store.assignReceiver(owner.key, 'SM11112222', ownerReceiver)
        await store.assignReceiver(other.key, 'SM55556666', otherReceiver)
        expect(await store.assignReceiver(other.key, 'SM11112222', randomUUID())).toEqual({
          status: 'taken',
        })
        expect(await store.findReceiverOwner('SM11112222')).toBe(owner.key)
        expect((await store.readMonitoring(owner.key)).receiver).toEqual({
          id: ownerReceiver,
          serialNumber: 'SM11112222',
        })
        expect((await store.readMonitoring(other.key)).receiver).toEqual({
          id: otherReceiver,
          serialNumber: 'SM55556666',
        })
      })

      it('unassigns the receiver only by its own id', async () => {
        const account = await store.createAccount(newAccount())
        const receiverId = randomUUID()
        await store.assignReceiver(account.key, 'SM11112222', receiverId)
        expect(await store.unassignReceiver(account.key, randomUUID())).toBe(false)
        expect((await store.readMonitoring(account.key)).receiver?.id).toBe(receiverId)
        expect(await store.unassignReceiver(account.key, receiverId)).toBe(true)
        expect((await store.readMonitoring(account.key)).receiver).toBeUndefined()
        expect(await store.findReceiverOwner('SM11112222')).toBeUndefined()
        expect(await store.unassignReceiver(account.key, receiverId)).toBe(false)
      })

      it("does not unassign another account's receiver", async () => {
        const owner = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        const receiverId = randomUUID()
        await store.assignReceiver(owner.key, 'SM11112222', receiverId)
        expect(await store.unassignReceiver(other.key, receiverId)).toBe(false)
        expect(await store.findReceiverOwner('SM11112222')).toBe(owner.key)
      })

      it('lets another account take a serial number once it is unassigned', async () => {
        const owner = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        const receiverId = randomUUID()
        await store.assignReceiver(owner.key, 'SM11112222', receiverId)
        await store.unassignReceiver(owner.key, receiverId)
        expect((await store.assignReceiver(other.key, 'SM11112222', randomUUID())).status).toBe(
          'assigned',
        )
        expect(await store.findReceiverOwner('SM11112222')).toBe(other.key)
      })

      it('keeps the receiver when monitoring is turned off', async () => {
        const account = await store.createAccount(newAccount())
        const receiverId = randomUUID()
        await store.assignReceiver(account.key, 'SM11112222', receiverId)
        await store.setMonitoringActive(account.key, true)
        await store.setMonitoringActive(account.key, false)
        expect((await store.readMonitoring(account.key)).receiver?.id).toBe(receiverId)
      })
    })

    describe('readings', () => {
      it('answers how many readings were new and skips those whose system time is stored', async () => {
        const account = await store.createAccount(newAccount())
        expect(await store.insertReadings(account.key, [reading(10), reading(5)], T0)).toEqual({
          inserted: 2,
          followed: false,
        })
        expect(
          await store.insertReadings(
            account.key,
            [reading(10, 300), reading(5, 300), reading(0, 130)],
            T0,
          ),
        ).toEqual({ inserted: 1, followed: false })
        expect(await store.insertReadings(account.key, [reading(10), reading(0)], T0)).toEqual({
          inserted: 0,
          followed: false,
        })
        expect(await store.readLatest(account.key, 0, 10)).toEqual([
          reading(0, 130),
          reading(5),
          reading(10),
        ])
      })

      it('counts a reading repeated within one batch once', async () => {
        const account = await store.createAccount(newAccount())
        expect(await store.insertReadings(account.key, [reading(5), reading(5, 200)], T0)).toEqual({
          inserted: 1,
          followed: false,
        })
        expect(await store.readLatest(account.key, 0, 10)).toEqual([reading(5)])
      })

      it('keeps offset, value and trend of every reading', async () => {
        const account = await store.createAccount(newAccount())
        const stored = [reading(0, 39, 7, -300), reading(5, 401, 1, 330), reading(10, 120, 0, 0)]
        await store.insertReadings(account.key, stored, T0)
        expect(await store.readLatest(account.key, 0, 10)).toEqual(stored)
      })

      it('reads newest first from since (inclusive), at most limit', async () => {
        const account = await store.createAccount(newAccount())
        await store.insertReadings(
          account.key,
          [reading(20, 100), reading(0, 104), reading(10, 102), reading(5, 103), reading(15, 101)],
          T0,
        )
        expect((await store.readLatest(account.key, 0, 10)).map((r) => r.value)).toEqual([
          104, 103, 102, 101, 100,
        ])
        expect(
          (await store.readLatest(account.key, T0 - 10 * MINUTE, 10)).map((r) => r.value),
        ).toEqual([104, 103, 102])
        expect((await store.readLatest(account.key, 0, 2)).map((r) => r.value)).toEqual([104, 103])
        expect(
          (await store.readLatest(account.key, T0 - 15 * MINUTE, 3)).map((r) => r.value),
        ).toEqual([104, 103, 102])
        expect(await store.readLatest(account.key, T0 + 1, 10)).toEqual([])
      })

      it('answers [] for limit 0', async () => {
        const account = await store.createAccount(newAccount())
        await store.insertReadings(account.key, [reading(0)], T0)
        expect(await store.readLatest(account.key, 0, 0)).toEqual([])
      })

      it('answers the same for repeated reads with different limits', async () => {
        const account = await store.createAccount(newAccount())
        const all = Array.from({ length: 20 }, (_, i) => reading(i * 5, 100 + i))
        await store.insertReadings(account.key, all, T0)
        for (const limit of [1, 7, 20, 288, 7, 1]) {
          expect(await store.readLatest(account.key, 0, limit)).toEqual(all.slice(0, limit))
        }
      })

      it('keeps the readings of each account apart, even at the same system time', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount())
        expect(await store.insertReadings(a.key, [reading(0, 111), reading(5, 112)], T0)).toEqual({
          inserted: 2,
          followed: false,
        })
        expect(await store.insertReadings(b.key, [reading(0, 222)], T0)).toEqual({
          inserted: 1,
          followed: false,
        })
        expect(await store.readLatest(a.key, 0, 10)).toEqual([reading(0, 111), reading(5, 112)])
        expect(await store.readLatest(b.key, 0, 10)).toEqual([reading(0, 222)])
      })

      it('marks the time of the last upload on the account that uploaded', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount())
        await store.insertReadings(a.key, [reading(5)], T0)
        expect((await store.readMonitoring(a.key)).lastUploadAt).toBe(T0)
        await store.insertReadings(a.key, [reading(0)], T0 + MINUTE)
        expect((await store.readMonitoring(a.key)).lastUploadAt).toBe(T0 + MINUTE)
        expect((await store.readMonitoring(b.key)).lastUploadAt).toBeUndefined()
      })

      describe('readEgvJsonBySession and readEgvJson', () => {
        async function sessionOf(account: Account, expiresAt = T0 + 60 * MINUTE): Promise<string> {
          const id = randomUUID()
          await store.createSession({ id, accountKey: account.key, createdAt: T0, expiresAt })
          return id
        }

        it('answers the session and, as egvArrayJson writes them, the readings readLatest answers', async () => {
          const account = await store.createAccount(newAccount())
          const other = await store.createAccount(newAccount())
          const all = Array.from({ length: 20 }, (_, i) => reading(i * 5, 100 + i))
          await store.insertReadings(account.key, all, T0)
          await store.insertReadings(other.key, [reading(0, 222), reading(1, 223)], T0)
          const id = await sessionOf(account)
          for (const legacy of [false, true]) {
            for (const [since, limit] of [
              [0, 1],
              [0, 2],
              [0, 7],
              [0, 288],
              [T0 - 10 * MINUTE, 288],
              [T0 - 10 * MINUTE, 2],
              [T0 + 1, 10],
              [T0 + 1, 1],
            ] as const) {
              const json = egvArrayJson(await store.readLatest(account.key, since, limit), legacy)
              expect(await store.readEgvJsonBySession(id, since, limit, legacy)).toEqual({
                session: await store.findSession(id),
                json,
              })
              expect(await store.readEgvJson(account.key, since, limit, legacy)).toBe(json)
            }
          }
        })

        it('writes every trend, zone offset and value as egvArrayJson does, newest first', async () => {
          const account = await store.createAccount(newAccount())
          const offsets = [-720, -570, -300, -59, -1, 0, 1, 45, 330, 345, 600, 765, 840]
          // Every trend name, and codes without one (answered as None, or as the code in legacy form).
          const trends = [...DEXCOM_TREND_NAMES.keys(), 10, 99]
          const all = Array.from({ length: 288 }, (_, i) =>
            reading(
              i * 5,
              40 + ((i * 37) % 361),
              trends[i % trends.length],
              offsets[i % offsets.length],
            ),
          )
          await store.insertReadings(account.key, all, T0)
          const id = await sessionOf(account)
          const newestFirst = [...all].sort((a, b) => b.systemTime - a.systemTime)
          for (const legacy of [false, true]) {
            for (const limit of [288, 100, 2]) {
              const json = egvArrayJson(newestFirst.slice(0, limit), legacy)
              expect((await store.readEgvJsonBySession(id, 0, limit, legacy))?.json).toBe(json)
              expect(await store.readEgvJson(account.key, 0, limit, legacy)).toBe(json)
            }
          }
        })

        it('answers the session with [] for limit 0 or an account without readings', async () => {
          const account = await store.createAccount(newAccount())
          const id = await sessionOf(account)
          const session = await store.findSession(id)
          for (const limit of [0, 1, 10]) {
            expect(await store.readEgvJsonBySession(id, 0, limit, false)).toEqual({
              session,
              json: '[]',
            })
            expect(await store.readEgvJson(account.key, 0, limit, true)).toBe('[]')
          }
          await store.insertReadings(account.key, [reading(0)], T0)
          expect(await store.readEgvJson(account.key, 0, 0, false)).toBe('[]')
          expect(await store.readEgvJsonBySession(id, 0, 0, false)).toEqual({ session, json: '[]' })
          expect(await store.readEgvJsonBySession(id, T0 + 1, 10, true)).toEqual({
            session,
            json: '[]',
          })
        })

        it('answers an expired or ended session as found, for the caller to refuse', async () => {
          const account = await store.createAccount(newAccount({ kind: 'follower' }))
          await store.insertReadings(account.key, [reading(0)], T0)
          const id = await sessionOf(account, T0 - MINUTE)
          expect(await store.readEgvJsonBySession(id, 0, 1, false)).toEqual({
            session: {
              id,
              accountKey: account.key,
              accountId: account.id,
              kind: 'follower',
              createdAt: T0,
              expiresAt: T0 - MINUTE,
            },
            json: egvArrayJson([reading(0)], false),
          })
        })

        it('answers undefined for an unknown session id, or one that is not a UUID', async () => {
          const account = await store.createAccount(newAccount())
          await store.insertReadings(account.key, [reading(0)], T0)
          await sessionOf(account)
          for (const limit of [1, 10]) {
            expect(await store.readEgvJsonBySession(randomUUID(), 0, limit, false)).toBeUndefined()
            expect(await store.readEgvJsonBySession('not-a-uuid', 0, limit, false)).toBeUndefined()
          }
        })
      })
    })

    // Servers gather the calls of one event-loop turn into one statement or transaction
    // (coalescer.ts); calls started together must each get what it would have got alone.
    describe('calls made together', () => {
      it('stores uploads of several accounts, one account twice, each counted on its own', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount())
        const c = await store.createAccount(newAccount())
        await store.insertReadings(c.key, [reading(20)], T0 - MINUTE)
        const results = await Promise.all([
          store.insertReadings(a.key, [reading(10, 101), reading(5, 102)], T0),
          store.insertReadings(b.key, [reading(10, 201)], T0 + 1),
          store.insertReadings(a.key, [reading(5, 999), reading(0, 103)], T0 + 2),
          store.insertReadings(c.key, [reading(20)], T0 + 3),
          store.insertReadings(b.key, [reading(10, 999)], T0 + 4),
        ])
        expect(results).toEqual([
          { inserted: 2, followed: false },
          { inserted: 1, followed: false },
          { inserted: 1, followed: false },
          { inserted: 0, followed: false },
          { inserted: 0, followed: false },
        ])
        expect(await store.readLatest(a.key, 0, 10)).toEqual([
          reading(0, 103),
          reading(5, 102),
          reading(10, 101),
        ])
        expect(await store.readLatest(b.key, 0, 10)).toEqual([reading(10, 201)])
        expect(await store.readLatest(c.key, 0, 10)).toEqual([reading(20)])
        // Each account keeps the mark of its last upload, in the order the calls were made.
        expect((await store.readMonitoring(a.key)).lastUploadAt).toBe(T0 + 2)
        expect((await store.readMonitoring(b.key)).lastUploadAt).toBe(T0 + 4)
        expect((await store.readMonitoring(c.key)).lastUploadAt).toBe(T0 + 3)
      })

      it('fails only the upload that cannot be stored, and keeps the others', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount())
        const c = await store.createAccount(newAccount())
        // NaN is no integer: neither engine can store it.
        const settled = await Promise.allSettled([
          store.insertReadings(a.key, [reading(0, 110)], T0),
          store.insertReadings(b.key, [reading(5, 120), reading(0, Number.NaN)], T0),
          store.insertReadings(c.key, [reading(0, 130)], T0),
        ])
        expect(settled.map((outcome) => outcome.status)).toEqual([
          'fulfilled',
          'rejected',
          'fulfilled',
        ])
        expect(await store.readLatest(a.key, 0, 10)).toEqual([reading(0, 110)])
        expect(await store.readLatest(b.key, 0, 10)).toEqual([])
        expect((await store.readMonitoring(b.key)).lastUploadAt).toBeUndefined()
        expect(await store.readLatest(c.key, 0, 10)).toEqual([reading(0, 130)])
      })

      it('keeps an upload stored before a later upload of the same account fails', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount())
        const settled = await Promise.allSettled([
          store.insertReadings(a.key, [reading(10, 101)], T0),
          store.insertReadings(b.key, [reading(10, 201)], T0 + 1),
          store.insertReadings(a.key, [reading(5, 102), reading(0, Number.NaN)], T0 + 2),
          store.insertReadings(b.key, [reading(5, 202)], T0 + 3),
        ])
        expect(settled.map((outcome) => outcome.status)).toEqual([
          'fulfilled',
          'fulfilled',
          'rejected',
          'fulfilled',
        ])
        expect(settled[0]).toEqual({ status: 'fulfilled', value: { inserted: 1, followed: false } })
        expect(settled[3]).toEqual({ status: 'fulfilled', value: { inserted: 1, followed: false } })
        expect(await store.readLatest(a.key, 0, 10)).toEqual([reading(10, 101)])
        expect(await store.readLatest(b.key, 0, 10)).toEqual([reading(5, 202), reading(10, 201)])
        expect((await store.readMonitoring(a.key)).lastUploadAt).toBe(T0)
        expect((await store.readMonitoring(b.key)).lastUploadAt).toBe(T0 + 3)
      })

      it('reads sessions with their newest reading, each as it would be read alone', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount({ kind: 'follower' }))
        const empty = await store.createAccount(newAccount())
        await store.insertReadings(a.key, [reading(0, 101), reading(5, 102)], T0)
        await store.insertReadings(b.key, [reading(30, 201)], T0)
        const ids = [randomUUID(), randomUUID(), randomUUID()]
        await store.createSession({ id: ids[0]!, accountKey: a.key, createdAt: T0, expiresAt: T0 })
        await store.createSession({
          id: ids[1]!,
          accountKey: b.key,
          createdAt: T0,
          expiresAt: T0 - MINUTE,
        })
        await store.createSession({
          id: ids[2]!,
          accountKey: empty.key,
          createdAt: T0,
          expiresAt: T0,
        })
        const calls: [string, number, boolean][] = [
          [ids[0]!, 0, false],
          [randomUUID(), 0, false],
          [ids[1]!, 0, true],
          [ids[0]!, T0 - MINUTE, true],
          [ids[1]!, T0 - 10 * MINUTE, false],
          [ids[2]!, 0, false],
          ['not-a-uuid', 0, false],
          [ids[0]!, T0 + 1, false],
        ]
        const alone = []
        for (const [id, since, legacy] of calls) {
          alone.push(await store.readEgvJsonBySession(id, since, 1, legacy))
        }
        expect(alone[0]?.json).toBe(egvArrayJson([reading(0, 101)], false))
        expect(alone[1]).toBeUndefined()
        expect(alone[2]?.json).toBe(egvArrayJson([reading(30, 201)], true))
        expect(alone[4]?.json).toBe('[]')
        const together = await Promise.all(
          calls.map(([id, since, legacy]) => store.readEgvJsonBySession(id, since, 1, legacy)),
        )
        expect(together).toEqual(alone)
      })

      it('reads sessions with their monitoring, each as it would be read alone', async () => {
        const a = await store.createAccount(newAccount())
        const b = await store.createAccount(newAccount())
        await store.setMonitoringActive(a.key, true)
        await store.assignReceiver(a.key, 'SM11112222', randomUUID())
        await store.insertReadings(a.key, [reading(0)], T0 + MINUTE)
        const ids = [randomUUID(), randomUUID()]
        await store.createSession({ id: ids[0]!, accountKey: a.key, createdAt: T0, expiresAt: T0 })
        await store.createSession({ id: ids[1]!, accountKey: b.key, createdAt: T0, expiresAt: T0 })
        const calls = [ids[0]!, randomUUID(), ids[1]!, ids[0]!, 'not-a-uuid']
        const alone = []
        for (const id of calls) alone.push(await store.readMonitoringBySession(id))
        expect(alone[0]?.monitoring.receiver?.serialNumber).toBe('SM11112222')
        expect(alone[1]).toBeUndefined()
        expect(alone[2]?.monitoring.active).toBe(false)
        expect(await Promise.all(calls.map((id) => store.readMonitoringBySession(id)))).toEqual(
          alone,
        )
      })
    })

    describe('contacts and subscriptions', () => {
      function newContact(accountKey: number, overrides: Partial<NewContact> = {}): NewContact {
        counter += 1
        return {
          accountKey,
          id: randomUUID(),
          name: `Follower ${counter}`,
          email: `follower${counter}@example.test`,
          createdAt: T0 + counter,
          ...overrides,
        }
      }

      function invited(contact: Contact, at = T0 + MINUTE): Contact {
        return {
          ...contact,
          subscription: {
            id: randomUUID(),
            invitationId: randomUUID(),
            displayName: 'Me',
            permissions: 1,
            alertSettings: '{"HighAlert":{"AlertType":1}}',
            paused: false,
            subscriberId: undefined,
            createdAt: at,
            modifiedAt: at,
            inviteExpires: at + 7 * 24 * 60 * MINUTE,
          },
        }
      }

      it('creates a contact and finds it by id with no subscription yet', async () => {
        const account = await store.createAccount(newAccount())
        const contact = newContact(account.key, { name: 'Mum', email: 'mum@example.test' })
        expect(await store.createContact(contact, 10)).toBe('created')
        expect(await store.findContact(account.key, contact.id)).toEqual({
          ...contact,
          deletedAt: undefined,
          subscription: undefined,
          version: 0,
        })
        expect(await store.findContact(account.key, randomUUID())).toBeUndefined()
        expect(await store.findContact(account.key, 'not-a-uuid')).toBeUndefined()
      })

      it('refuses a second live contact with the same name in any ASCII letter case', async () => {
        const account = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        await store.createContact(newContact(account.key, { name: 'Dad' }), 10)
        const error = await store
          .createContact(newContact(account.key, { name: 'dAD' }), 10)
          .catch((e: unknown) => e)
        expect(error).toBeInstanceOf(DuplicateKeyError)
        expect((error as DuplicateKeyError).field).toBe('contact_name')
        // Another publisher may use the name.
        expect(await store.createContact(newContact(other.key, { name: 'Dad' }), 10)).toBe(
          'created',
        )
        expect(await store.listContacts(account.key)).toHaveLength(1)
      })

      it('answers full at the cap and counts only contacts that are not deleted', async () => {
        const account = await store.createAccount(newAccount())
        const first = newContact(account.key)
        expect(await store.createContact(first, 2)).toBe('created')
        expect(await store.createContact(newContact(account.key), 2)).toBe('created')
        expect(await store.createContact(newContact(account.key), 2)).toBe('full')
        expect(await store.listContacts(account.key)).toHaveLength(2)
        const stored = (await store.findContact(account.key, first.id))!
        await store.saveContact({ ...stored, deletedAt: T0 + MINUTE })
        expect(await store.createContact(newContact(account.key), 2)).toBe('created')
      })

      it('lists live contacts oldest first and hides deleted ones, whose names become free', async () => {
        const account = await store.createAccount(newAccount())
        const a = newContact(account.key, { name: 'A', createdAt: T0 + 2 })
        const b = newContact(account.key, { name: 'B', createdAt: T0 + 1 })
        await store.createContact(a, 10)
        await store.createContact(b, 10)
        expect((await store.listContacts(account.key)).map((c) => c.name)).toEqual(['B', 'A'])
        const stored = (await store.findContact(account.key, b.id))!
        await store.saveContact({ ...stored, deletedAt: T0 + MINUTE })
        expect((await store.listContacts(account.key)).map((c) => c.name)).toEqual(['A'])
        expect((await store.findContact(account.key, b.id))?.deletedAt).toBe(T0 + MINUTE)
        expect(await store.createContact(newContact(account.key, { name: 'b' }), 10)).toBe(
          'created',
        )
      })

      it('saves a subscription and finds the contact by its id, for its own publisher only', async () => {
        const account = await store.createAccount(newAccount())
        const other = await store.createAccount(newAccount())
        const contact = newContact(account.key)
        await store.createContact(contact, 10)
        const invitation = invited((await store.findContact(account.key, contact.id))!)
        expect(await store.saveContact(invitation)).toBe(true)
        const withSubscription = { ...invitation, version: invitation.version + 1 }
        const subscriptionId = withSubscription.subscription!.id
        expect(await store.findContact(account.key, contact.id)).toEqual(withSubscription)
        expect(await store.findContactBySubscription(account.key, subscriptionId)).toEqual(
          withSubscription,
        )
        expect(await store.findContactBySubscription(other.key, subscriptionId)).toBeUndefined()
        expect(await store.findContact(other.key, contact.id)).toBeUndefined()
        expect(await store.listContacts(account.key)).toEqual([withSubscription])
      })

      it('updates the name, pause flag and permissions of a saved contact', async () => {
        const account = await store.createAccount(newAccount())
        const contact = newContact(account.key)
        await store.createContact(contact, 10)
        const saved = invited((await store.findContact(account.key, contact.id))!)
        expect(await store.saveContact(saved)).toBe(true)
        const changed: Contact = {
          ...saved,
          version: saved.version + 1,
          name: 'Renamed',
          subscription: {
            ...saved.subscription!,
            paused: true,
            permissions: 0,
            modifiedAt: T0 + 5 * MINUTE,
          },
        }
        expect(await store.saveContact(changed)).toBe(true)
        expect(await store.findContact(account.key, contact.id)).toEqual({
          ...changed,
          version: changed.version + 1,
        })
      })

      it('refuses a save from a copy read before another save, and takes a fresh one', async () => {
        const account = await store.createAccount(newAccount())
        const contact = newContact(account.key)
        await store.createContact(contact, 10)
        const read = (await store.findContact(account.key, contact.id))!
        expect(read.version).toBe(0)
        const first = invited(read)
        expect(await store.saveContact(first)).toBe(true)
        const afterFirst = (await store.findContact(account.key, contact.id))!
        expect(afterFirst).toEqual({ ...first, version: 1 })
        // A second writer that read before the first save loses, and changes nothing.
        expect(await store.saveContact({ ...read, name: 'Stale', deletedAt: T0 })).toBe(false)
        expect(await store.saveContact(invited(read))).toBe(false)
        expect(await store.findContact(account.key, contact.id)).toEqual(afterFirst)
        // Read again, it wins, and the version moves on.
        expect(await store.saveContact({ ...afterFirst, name: 'Fresh' })).toBe(true)
        expect(await store.findContact(account.key, contact.id)).toEqual({
          ...afterFirst,
          name: 'Fresh',
          version: 2,
        })
        expect(await store.saveContact({ ...read, id: randomUUID() })).toBe(false)
      })

      it('refuses to rename a contact to the name of another live contact', async () => {
        const account = await store.createAccount(newAccount())
        await store.createContact(newContact(account.key, { name: 'Taken' }), 10)
        const contact = newContact(account.key, { name: 'Free' })
        await store.createContact(contact, 10)
        const stored = (await store.findContact(account.key, contact.id))!
        const error = await store.saveContact({ ...stored, name: 'TAKEN' }).catch((e: unknown) => e)
        expect(error).toBeInstanceOf(DuplicateKeyError)
        expect((await store.findContact(account.key, contact.id))?.name).toBe('Free')
      })
    })
  })
}
