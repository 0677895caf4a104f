/**
The follower-side part of the store conformance suite: invitation acceptance, follower
subscriptions, alert state and events, webhooks and their outbox. Engines run it beside
`store.case.ts`. Not part of the build (tsconfig excludes `*.case.ts`).
*/
import { randomUUID } from 'node:crypto'
import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import type { Account, Contact, Store } from './store.js'
import type { AlertEventRecord, AlertTransition, WebhookDelivery } from './alert-records.js'
import type { StoreUnderTest } from './store.case.js'

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)
const MINUTE = 60_000
const WEEK = 7 * 24 * 60 * MINUTE

export function runFollowerStoreTests(
  name: string,
  createStore: () => Promise<StoreUnderTest>,
): void {
  describe(`Store conformance, follower side: ${name}`, () => {
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

    async function account(kind: Account['kind'] = 'publisher'): Promise<Account> {
      counter += 1
      return store.createAccount({
        id: randomUUID(),
        kind,
        username: `${kind}${counter}`,
        displayName: `${kind} ${counter}`,
        passwordHash: `hash-${counter}`,
        createdAt: T0,
      })
    }

    /** A publisher's contact with a pending invitation created at T0, as stored. */
    async function invitation(publisher: Account): Promise<Contact> {
      counter += 1
      const id = randomUUID()
      await store.createContact(
        {
          accountKey: publisher.key,
          id,
          name: `F${counter}`,
          email: 'f@example.test',
          createdAt: T0,
        },
        10,
      )
      const contact: Contact = {
        ...(await store.findContact(publisher.key, id))!,
        subscription: {
          id: randomUUID(),
          invitationId: randomUUID(),
          displayName: 'Me',
          permissions: 1,
          alertSettings: '{}',
          paused: false,
          subscriberId: undefined,
          createdAt: T0,
          modifiedAt: T0,
          inviteExpires: T0 + WEEK,
        },
      }
      expect(await store.saveContact(contact)).toBe(true)
      return { ...contact, version: contact.version + 1 }
    }

    async function reread(contact: Contact): Promise<Contact> {
      return (await store.findContact(contact.accountKey, contact.id))!
    }

    describe('invitations', () => {
      it('accepts an invitation once, for one follower, atomically', async () => {
        const publisher = await account()
        const [mum, dad] = [await account('follower'), await account('follower')]
        const contact = await invitation(publisher)
        const invitationId = contact.subscription!.invitationId
        const results = await Promise.all([
          store.acceptInvitation(invitationId, mum.id, T0 + MINUTE),
          store.acceptInvitation(invitationId, dad.id, T0 + MINUTE),
        ])
        expect(results.map((r) => r.status).sort()).toEqual(['accepted', 'taken'])
        const winner = results[0]!.status === 'accepted' ? mum : dad
        // Accepting again as the same follower is harmless.
        expect(await store.acceptInvitation(invitationId, winner.id, T0 + 2 * MINUTE)).toEqual({
          status: 'accepted',
          accountKey: publisher.key,
          subscriptionId: contact.subscription!.id,
        })
        const stored = await store.findContact(publisher.key, contact.id)
        expect(stored?.subscription?.subscriberId).toBe(winner.id)
        expect(stored?.subscription?.modifiedAt).toBe(T0 + MINUTE)
      })

      it('refuses a second live subscription of one follower from one publisher', async () => {
        const [publisher, elsewhere] = [await account(), await account()]
        const [follower, other] = [await account('follower'), await account('follower')]
        const [first, second, third] = [
          await invitation(publisher),
          await invitation(publisher),
          await invitation(publisher),
        ]
        const accept = (contact: Contact, who: Account, at = T0 + MINUTE) =>
          store.acceptInvitation(contact.subscription!.invitationId, who.id, at)
        expect((await accept(first, follower)).status).toBe('accepted')
        expect(await accept(second, follower)).toEqual({ status: 'following' })
        expect(await reread(second)).toEqual(second) // nothing written
        // Accepting the same invitation again stays harmless; others are not concerned.
        expect((await accept(first, follower, T0 + 2 * MINUTE)).status).toBe('accepted')
        expect((await accept(second, other)).status).toBe('accepted')
        expect((await accept(await invitation(elsewhere), follower)).status).toBe('accepted')
        // A paused subscription still counts; a deleted contact no longer does.
        const accepted = await reread(first)
        const paused = { ...accepted, subscription: { ...accepted.subscription!, paused: true } }
        expect(await store.saveContact(paused)).toBe(true)
        expect((await accept(third, follower)).status).toBe('following')
        expect(await store.saveContact({ ...(await reread(first)), deletedAt: T0 + MINUTE })).toBe(
          true,
        )
        expect((await accept(third, follower, T0 + 3 * MINUTE)).status).toBe('accepted')
      })

      it("accepts one of a publisher's invitations when one follower accepts several at once", async () => {
        const publisher = await account()
        const follower = await account('follower')
        const contacts = [
          await invitation(publisher),
          await invitation(publisher),
          await invitation(publisher),
          await invitation(publisher),
        ]
        // Warms a pool up, so that the acceptances below run on connections of their own at once.
        await Promise.all(contacts.map((c) => store.findContact(publisher.key, c.id)))
        const results = await Promise.all(
          contacts.map((c) =>
            store.acceptInvitation(c.subscription!.invitationId, follower.id, T0 + MINUTE),
          ),
        )
        const statuses = results.map((r) => r.status).sort()
        expect(statuses).toEqual(['accepted', 'following', 'following', 'following'])
        const live = (await store.listFollowerSubscriptions(follower.id)).filter(
          (c) => c.deletedAt === undefined,
        )
        expect(live).toHaveLength(1)
      })

      it('answers expired, not_found and not_found for a deleted contact', async () => {
        const publisher = await account()
        const follower = await account('follower')
        const contact = await invitation(publisher)
        const id = contact.subscription!.invitationId
        expect((await store.acceptInvitation(id, follower.id, T0 + WEEK)).status).toBe('expired')
        expect((await store.acceptInvitation(randomUUID(), follower.id, T0)).status).toBe(
          'not_found',
        )
        expect((await store.acceptInvitation('nonsense', follower.id, T0)).status).toBe('not_found')
        await store.saveContact({ ...contact, deletedAt: T0 + MINUTE })
        expect((await store.acceptInvitation(id, follower.id, T0 + MINUTE)).status).toBe(
          'not_found',
        )
      })

      it('tells an upload whether an accepted, unpaused, undeleted subscription follows it', async () => {
        const [publisher, other] = [await account(), await account()]
        const follower = await account('follower')
        let at = T0
        const upload = async (who: Account) => {
          at += MINUTE
          const reading = { systemTime: at, offsetMinutes: 0, value: 100, trend: 4 }
          return store.insertReadings(who.key, [reading], at)
        }
        expect(await upload(publisher)).toEqual({ inserted: 1, followed: false })
        const contact = await invitation(publisher)
        expect((await upload(publisher)).followed).toBe(false) // invited, not accepted
        await store.acceptInvitation(contact.subscription!.invitationId, follower.id, T0)
        const accepted = (await store.findContact(publisher.key, contact.id))!
        expect(await upload(publisher)).toEqual({ inserted: 1, followed: true })
        expect((await upload(other)).followed).toBe(false)
        const paused = { ...accepted, subscription: { ...accepted.subscription!, paused: true } }
        expect(await store.saveContact(paused)).toBe(true)
        expect((await upload(publisher)).followed).toBe(false)
        const resumed = { ...(await reread(contact)), subscription: accepted.subscription }
        expect(await store.saveContact(resumed)).toBe(true)
        expect((await upload(publisher)).followed).toBe(true)
        // A duplicate stores nothing but still answers for the account.
        const again = { systemTime: at, offsetMinutes: 0, value: 100, trend: 4 }
        expect(await store.insertReadings(publisher.key, [again], at)).toEqual({
          inserted: 0,
          followed: true,
        })
        expect(await store.saveContact({ ...(await reread(contact)), deletedAt: at })).toBe(true)
        expect((await upload(publisher)).followed).toBe(false)
      })

      it("lists and finds a follower's subscriptions, deleted ones included", async () => {
        const [p1, p2] = [await account(), await account()]
        const follower = await account('follower')
        const other = await account('follower')
        const first = await invitation(p1)
        const second = await invitation(p2)
        await invitation(p2) // not accepted
        await store.acceptInvitation(first.subscription!.invitationId, follower.id, T0 + MINUTE)
        await store.acceptInvitation(
          second.subscription!.invitationId,
          follower.id,
          T0 + 2 * MINUTE,
        )
        const listed = await store.listFollowerSubscriptions(follower.id)
        expect(listed.map((c) => c.subscription!.id)).toEqual([
          first.subscription!.id,
          second.subscription!.id,
        ])
        expect(listed[0]!.accountKey).toBe(p1.key)
        await store.saveContact({ ...listed[1]!, deletedAt: T0 + 3 * MINUTE })
        const found = await store.findFollowerSubscription(follower.id, second.subscription!.id)
        expect(found?.deletedAt).toBe(T0 + 3 * MINUTE)
        expect(
          await store.findFollowerSubscription(other.id, first.subscription!.id),
        ).toBeUndefined()
        expect(await store.findFollowerSubscription(follower.id, 'nope')).toBeUndefined()
        expect(await store.listFollowerSubscriptions(other.id)).toEqual([])
      })

      it("keeps the follower's own alert settings apart from the publisher's changes", async () => {
        const publisher = await account()
        const contact = await invitation(publisher)
        const subscription = contact.subscription!
        const mine = '{"HighAlert":{"IsEnabled":true}}'
        expect(await store.saveFollowerAlertSettings(publisher.key, subscription.id, mine)).toBe(
          true,
        )
        const fresh = await reread(contact)
        let stored = fresh.subscription!
        expect(stored.followerAlertSettings).toBe(mine)
        expect(stored.alertSettings).toBe('{}')
        expect(fresh.version).toBe(contact.version + 1)
        // A publisher's save from a copy read before is refused and changes nothing.
        expect(
          await store.saveContact({ ...contact, subscription: { ...subscription, paused: true } }),
        ).toBe(false)
        expect(await reread(contact)).toEqual(fresh)
        // Read again, the save lands; the follower's settings are never written from the copy.
        const paused = { ...subscription, paused: true, followerAlertSettings: undefined }
        expect(await store.saveContact({ ...fresh, subscription: paused })).toBe(true)
        stored = (await reread(contact)).subscription!
        expect(stored.followerAlertSettings).toBe(mine)
        expect(stored.paused).toBe(true)
        // A new subscription on the contact starts without them.
        expect(
          await store.saveContact({
            ...(await reread(contact)),
            subscription: { ...subscription, id: randomUUID(), invitationId: randomUUID() },
          }),
        ).toBe(true)
        stored = (await reread(contact)).subscription!
        expect(stored.followerAlertSettings).toBeUndefined()
      })

      it("refuses a publisher's save from a copy read before the follower accepted", async () => {
        const publisher = await account()
        const follower = await account('follower')
        const contact = await invitation(publisher)
        const subscription = contact.subscription!
        await store.acceptInvitation(subscription.invitationId, follower.id, T0 + MINUTE)
        const accepted = await reread(contact)
        expect(accepted.version).toBe(contact.version + 1)
        // The pause read the pending invitation: writing it back would drop the acceptance.
        const stalePause = { ...contact, subscription: { ...subscription, paused: true } }
        expect(await store.saveContact(stalePause)).toBe(false)
        expect(await reread(contact)).toEqual(accepted)
        // Accepting again as the same follower writes nothing and leaves the version alone.
        await store.acceptInvitation(subscription.invitationId, follower.id, T0 + 2 * MINUTE)
        expect((await reread(contact)).version).toBe(accepted.version)
        const pause = { ...accepted, subscription: { ...accepted.subscription!, paused: true } }
        expect(await store.saveContact(pause)).toBe(true)
        expect(await reread(contact)).toEqual({ ...pause, version: accepted.version + 1 })
        expect((await reread(contact)).subscription?.subscriberId).toBe(follower.id)
      })

      it('writes no follower settings to a deleted contact or an unknown subscription', async () => {
        const publisher = await account()
        const contact = await invitation(publisher)
        const id = contact.subscription!.id
        await store.saveContact({ ...contact, deletedAt: T0 + MINUTE })
        expect(await store.saveFollowerAlertSettings(publisher.key, id, '{}')).toBe(false)
        expect(await store.saveFollowerAlertSettings(publisher.key, randomUUID(), '{}')).toBe(false)
        expect(await store.saveFollowerAlertSettings(publisher.key, 'nope', '{}')).toBe(false)
        const stored = await store.findContact(publisher.key, contact.id)
        expect(stored?.subscription?.followerAlertSettings).toBeUndefined()
      })
    })

    describe('alert state and events', () => {
      function event(
        publisher: Account,
        subscriptionId: string,
        at: number,
        type = 'fired',
      ): AlertEventRecord {
        return {
          id: randomUUID(),
          accountKey: publisher.key,
          subscriptionId,
          kind: 'urgentLow',
          type,
          at,
          data: JSON.stringify({ at, type }),
        }
      }

      it('writes state, events and deliveries together and hands the state to the next step', async () => {
        const publisher = await account()
        const sub = randomUUID()
        const seen: (string | undefined)[] = []
        const first = event(publisher, sub, T0)
        const delivery: WebhookDelivery = {
          id: randomUUID(),
          webhookId: randomUUID(),
          url: 'http://127.0.0.1:9/hook',
          secret: 's',
          eventId: first.id,
          eventType: 'alert.fired',
          body: '{}',
          attempts: 0,
          nextAttemptAt: T0,
          createdAt: T0,
        }
        const written = await store.transitionAlerts(publisher.key, sub, (state) => {
          seen.push(state)
          return {
            state: '{"n":1}',
            nextCheckAt: T0 + 5 * MINUTE,
            events: [first],
            deliveries: [delivery],
          }
        })
        expect(written).toEqual([first])
        await store.transitionAlerts(publisher.key, sub, (state) => {
          seen.push(state)
          return undefined
        })
        expect(seen).toEqual([undefined, '{"n":1}'])
        expect(await store.readAlertState(publisher.key, sub)).toBe('{"n":1}')
        expect(await store.listAlertEvents(publisher.key, sub, 0, 10)).toEqual([first])
        expect(await store.claimDueDeliveries(T0, 10, MINUTE)).toEqual([delivery])
      })

      it('writes nothing when the step throws', async () => {
        const publisher = await account()
        const sub = randomUUID()
        await expect(
          store.transitionAlerts(publisher.key, sub, () => {
            throw new Error('engine failed')
          }),
        ).rejects.toThrow('engine failed')
        expect(await store.readAlertState(publisher.key, sub)).toBeUndefined()
        expect(await store.dueAlertChecks(T0 + WEEK, 10)).toEqual([])
      })

      it('runs concurrent transitions of one subscription one after the other', async () => {
        const publisher = await account()
        const sub = randomUUID()
        const bump = (state: string | undefined): AlertTransition => ({
          state: String(Number(state ?? '0') + 1),
          nextCheckAt: undefined,
          events: [],
          deliveries: [],
        })
        await Promise.all(
          Array.from({ length: 8 }, () => store.transitionAlerts(publisher.key, sub, bump)),
        )
        expect(await store.readAlertState(publisher.key, sub)).toBe('8')
      })

      it('lists due checks soonest first and forgets dropped state', async () => {
        const publisher = await account()
        const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()]
        const write = (sub: string, next: number | undefined) =>
          store.transitionAlerts(publisher.key, sub, () => ({
            state: '{}',
            nextCheckAt: next,
            events: [],
            deliveries: [],
          }))
        await write(a, T0 + 2 * MINUTE)
        await write(b, T0 + MINUTE)
        await write(c, undefined)
        expect(await store.dueAlertChecks(T0, 10)).toEqual([])
        expect(await store.dueAlertChecks(T0 + 5 * MINUTE, 10)).toEqual([
          { accountKey: publisher.key, subscriptionId: b },
          { accountKey: publisher.key, subscriptionId: a },
        ])
        expect(await store.dueAlertChecks(T0 + 5 * MINUTE, 1)).toHaveLength(1)
        await store.dropAlertState(publisher.key, b)
        expect(await store.readAlertState(publisher.key, b)).toBeUndefined()
        expect(await store.dueAlertChecks(T0 + 5 * MINUTE, 10)).toHaveLength(1)
      })

      it('lists events newest first, from a time, with a limit, per subscription', async () => {
        const publisher = await account()
        const [sub, other] = [randomUUID(), randomUUID()]
        const events = [0, 1, 2, 3].map((i) => event(publisher, sub, T0 + i * MINUTE))
        await store.transitionAlerts(publisher.key, sub, () => ({
          state: '{}',
          nextCheckAt: undefined,
          events,
          deliveries: [],
        }))
        await store.transitionAlerts(publisher.key, other, () => ({
          state: '{}',
          nextCheckAt: undefined,
          events: [event(publisher, other, T0)],
          deliveries: [],
        }))
        expect(await store.listAlertEvents(publisher.key, sub, T0 + MINUTE, 10)).toEqual([
          events[3],
          events[2],
          events[1],
        ])
        expect(await store.listAlertEvents(publisher.key, sub, 0, 2)).toEqual([
          events[3],
          events[2],
        ])
      })
    })

    describe('webhooks and deliveries', () => {
      function delivery(webhookId: string, due: number): WebhookDelivery {
        return {
          id: randomUUID(),
          webhookId,
          url: 'http://127.0.0.1:9/hook',
          secret: 'secret',
          eventId: randomUUID(),
          eventType: 'alert.fired',
          body: '{"a":1}',
          attempts: 0,
          nextAttemptAt: due,
          createdAt: T0,
        }
      }

      async function enqueue(accountKey: number, deliveries: WebhookDelivery[]): Promise<void> {
        await store.transitionAlerts(accountKey, randomUUID(), () => ({
          state: '{}',
          nextCheckAt: undefined,
          events: [],
          deliveries,
        }))
      }

      it("creates, lists and deletes a follower's webhooks", async () => {
        const follower = await account('follower')
        const other = await account('follower')
        const hook = {
          accountKey: follower.key,
          id: randomUUID(),
          url: 'https://example.test/hook',
          secret: 'k',
          createdAt: T0,
        }
        expect(await store.createWebhook(hook, 5)).toBe('created')
        expect(await store.listWebhooks(follower.key)).toEqual([hook])
        expect(await store.listWebhooks(other.key)).toEqual([])
        expect(await store.deleteWebhook(other.key, hook.id)).toBe(false)
        expect(await store.deleteWebhook(follower.key, hook.id)).toBe(true)
        expect(await store.deleteWebhook(follower.key, hook.id)).toBe(false)
        expect(await store.listWebhooks(follower.key)).toEqual([])
      })

      it('creates no webhook beyond the cap, even when creations run at once', async () => {
        const follower = await account('follower')
        const other = await account('follower')
        const hook = (accountKey: number, at: number) => ({
          accountKey,
          id: randomUUID(),
          url: 'https://example.test/hook',
          secret: 'k',
          createdAt: at,
        })
        // Warms a pool up, so that the creations below run on connections of their own at once.
        await Promise.all(Array.from({ length: 6 }, () => store.listWebhooks(follower.key)))
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, i) => store.createWebhook(hook(follower.key, T0 + i), 5)),
        )
        expect(outcomes.filter((o) => o === 'created')).toHaveLength(5)
        expect(outcomes.filter((o) => o === 'full')).toHaveLength(1)
        expect(await store.listWebhooks(follower.key)).toHaveLength(5)
        // The cap is per follower, and a deletion makes room again.
        expect(await store.createWebhook(hook(other.key, T0), 5)).toBe('created')
        const [first] = await store.listWebhooks(follower.key)
        expect(await store.deleteWebhook(follower.key, first!.id)).toBe(true)
        expect(await store.createWebhook(hook(follower.key, T0 + MINUTE), 5)).toBe('created')
        expect(await store.createWebhook(hook(follower.key, T0 + MINUTE), 5)).toBe('full')
      })

      it('leases due deliveries once until the lease ends, and finishes them', async () => {
        const publisher = await account()
        const hook = randomUUID()
        const [early, late, future] = [
          delivery(hook, T0),
          delivery(hook, T0 + MINUTE),
          delivery(hook, T0 + 60 * MINUTE),
        ]
        await enqueue(publisher.key, [late, early, future])
        const claimed = await store.claimDueDeliveries(T0 + MINUTE, 10, 5 * MINUTE)
        expect(claimed.map((d) => d.id)).toEqual([early.id, late.id])
        expect(await store.claimDueDeliveries(T0 + 2 * MINUTE, 10, 5 * MINUTE)).toEqual([])
        await store.markDeliveryDone(early.id, T0 + 2 * MINUTE, 204)
        await store.rescheduleDelivery(late.id, 1, T0 + 3 * MINUTE, 'HTTP 500')
        const again = await store.claimDueDeliveries(T0 + 3 * MINUTE, 10, 5 * MINUTE)
        expect(again).toEqual([{ ...late, attempts: 1, nextAttemptAt: T0 + 3 * MINUTE }])
        await store.markDeliveryFailed(late.id, 2, T0 + 4 * MINUTE, 'HTTP 404')
        expect(await store.claimDueDeliveries(T0 + 24 * 60 * MINUTE, 10, MINUTE)).toEqual([future])
      })

      it('hands concurrent claims different deliveries', async () => {
        const publisher = await account()
        const hook = randomUUID()
        await enqueue(
          publisher.key,
          Array.from({ length: 6 }, (_, i) => delivery(hook, T0 + i)),
        )
        const claims = await Promise.all([
          store.claimDueDeliveries(T0 + MINUTE, 3, MINUTE),
          store.claimDueDeliveries(T0 + MINUTE, 3, MINUTE),
          store.claimDueDeliveries(T0 + MINUTE, 3, MINUTE),
        ])
        const ids = claims.flat().map((d) => d.id)
        expect(ids).toHaveLength(6)
        expect(new Set(ids).size).toBe(6)
      })

      it("drops a deleted webhook's pending deliveries", async () => {
        const follower = await account('follower')
        const hook = {
          accountKey: follower.key,
          id: randomUUID(),
          url: 'https://example.test/hook',
          secret: 'k',
          createdAt: T0,
        }
        expect(await store.createWebhook(hook, 5)).toBe('created')
        await enqueue(follower.key, [delivery(hook.id, T0)])
        await store.deleteWebhook(follower.key, hook.id)
        expect(await store.claimDueDeliveries(T0 + MINUTE, 10, MINUTE)).toEqual([])
      })
    })

    describe('retention', () => {
      const DAY = 24 * 60 * MINUTE

      function event(publisher: Account, subscriptionId: string, at: number): AlertEventRecord {
        return {
          id: randomUUID(),
          accountKey: publisher.key,
          subscriptionId,
          kind: 'urgentLow',
          type: 'fired',
          at,
          data: '{}',
        }
      }

      function delivery(eventId: string, createdAt: number): WebhookDelivery {
        return {
          id: randomUUID(),
          webhookId: randomUUID(),
          url: 'http://127.0.0.1:9/hook',
          secret: 'secret',
          eventId,
          eventType: 'alert.fired',
          body: '{}',
          attempts: 0,
          nextAttemptAt: createdAt,
          createdAt,
        }
      }

      async function write(
        publisher: Account,
        subscriptionId: string,
        events: AlertEventRecord[],
        deliveries: WebhookDelivery[],
      ): Promise<void> {
        await store.transitionAlerts(publisher.key, subscriptionId, () => ({
          state: '{"active":true}',
          nextCheckAt: T0 + 100 * DAY,
          events,
          deliveries,
        }))
      }

      it('purges finished deliveries that finished before the cutoff, never pending or leased ones', async () => {
        const publisher = await account()
        const [delivered, failed, recent, pending, leased] = Array.from({ length: 5 }, () =>
          delivery(randomUUID(), T0),
        ) as [WebhookDelivery, ...WebhookDelivery[]]
        await write(publisher, randomUUID(), [], [delivered, failed!, recent!, pending!, leased!])
        const claimed = await store.claimDueDeliveries(T0, 10, 200 * DAY)
        expect(claimed).toHaveLength(5)
        await store.markDeliveryDone(delivered.id, T0, 204)
        await store.markDeliveryFailed(failed!.id, 8, T0 + MINUTE, 'HTTP 404')
        await store.markDeliveryDone(recent!.id, T0 + 2 * DAY, 200)
        // `pending` is rescheduled (pending, not leased); `leased` keeps its long lease.
        await store.rescheduleDelivery(pending!.id, 1, T0, 'HTTP 500')

        expect(await store.purgeWebhookDeliveries(T0 + DAY)).toBe(2)
        expect(await store.purgeWebhookDeliveries(T0 + DAY)).toBe(0)
        expect(await store.purgeWebhookDeliveries(T0 + 365 * DAY)).toBe(1)
        // Both unfinished deliveries are still there, whatever the cutoff.
        expect((await store.claimDueDeliveries(T0 + DAY, 10, MINUTE)).map((d) => d.id)).toEqual([
          pending!.id,
        ])
        const afterLease = await store.claimDueDeliveries(T0 + 300 * DAY, 10, MINUTE)
        expect(afterLease.map((d) => d.id).sort()).toEqual([pending!.id, leased!.id].sort())
      })

      it('purges old alert events, keeping recent ones, those a pending delivery refers to, and the alert state', async () => {
        const publisher = await account()
        const [sub, other] = [randomUUID(), randomUUID()]
        const [old, referenced, delivered, recent] = [
          event(publisher, sub, T0),
          event(publisher, sub, T0 + MINUTE),
          event(publisher, sub, T0 + 2 * MINUTE),
          event(publisher, sub, T0 + 2 * DAY),
        ]
        const otherOld = event(publisher, other, T0)
        const pending = delivery(referenced.id, T0 + MINUTE)
        const finished = delivery(delivered.id, T0 + 2 * MINUTE)
        await write(publisher, sub, [old, referenced, delivered, recent], [pending, finished])
        await write(publisher, other, [otherOld], [])
        expect(
          (await store.claimDueDeliveries(T0 + 2 * MINUTE, 10, MINUTE)).map((d) => d.id),
        ).toEqual([pending.id, finished.id])
        await store.markDeliveryDone(finished.id, T0 + 3 * MINUTE, 204)

        expect(await store.purgeAlertEvents(T0 + DAY)).toBe(3)
        expect(await store.listAlertEvents(publisher.key, sub, 0, 10)).toEqual([recent, referenced])
        expect(await store.listAlertEvents(publisher.key, other, 0, 10)).toEqual([])
        expect(await store.readAlertState(publisher.key, sub)).toBe('{"active":true}')
        expect(await store.readAlertState(publisher.key, other)).toBe('{"active":true}')
        expect(await store.dueAlertChecks(T0 + 100 * DAY, 10)).toHaveLength(2)

        // Once its delivery has finished, the event goes too.
        await store.markDeliveryFailed(pending.id, 8, T0 + 4 * MINUTE, 'HTTP 410')
        expect(await store.purgeAlertEvents(T0 + DAY)).toBe(1)
        expect(await store.listAlertEvents(publisher.key, sub, 0, 10)).toEqual([recent])
      })

      // The stores delete 1 000 rows per statement; both purges share the batching loop.
      it('purges more rows than one batch holds, and counts them all', async () => {
        const publisher = await account()
        const sub = randomUUID()
        const events = Array.from({ length: 1200 }, (_, i) => event(publisher, sub, T0 + i))
        await write(publisher, sub, [...events, event(publisher, sub, T0 + 2 * DAY)], [])
        expect(await store.purgeAlertEvents(T0 + DAY)).toBe(1200)
        expect(await store.listAlertEvents(publisher.key, sub, 0, 10)).toHaveLength(1)
      })
    })
  })
}
