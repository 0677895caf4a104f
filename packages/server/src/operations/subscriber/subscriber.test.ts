import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { startTestServer, type TestServer } from '../../test-support.js'
import { expectEmpty, expectFault } from '../../test-expect.js'
import {
  MINUTE,
  NOT_YOURS,
  accept,
  addFollower,
  addPublisher,
  asFollower,
  asPublisher,
  invite,
  loginFollower,
  readingTime,
  share,
  upload,
  wireEgv,
  type Follower,
  type Publisher,
} from './test-follower-fixture.js'

const WEEK = 7 * 24 * 60 * MINUTE
const LIST = 'Subscriber/ListSubscriberAccountSubscriptions'
const LATEST = 'Subscriber/ReadSubscriptionLatestGlucoseValues'
const LAST = 'Subscriber/ReadLastGlucoseFromSubscriptions'
const ACCEPT = 'Subscriber/AcceptSubscriptionInvitation'

let server: TestServer
let publisher: Publisher
let follower: Follower

beforeEach(async () => {
  server = await startTestServer()
  publisher = await addPublisher(server)
  follower = await addFollower(server)
})
afterEach(async () => {
  await server.close()
})

async function list(who: Follower = follower): Promise<Record<string, unknown>[]> {
  const result = await asFollower(server, who, LIST)
  expect(result.status, result.text).toBe(200)
  return result.json as Record<string, unknown>[]
}

/** Readings 0, 5, 10 … minutes ago with the given values, newest first. */
function trace(values: readonly number[]) {
  return values.map((value, i) => ({ minutesAgo: i * 5, value }))
}

function latest(subscriptionId: string, minutes: number | string, maxCount: number | string) {
  return asFollower(server, follower, LATEST, { subscriptionId, minutes, maxCount })
}

function last(body: unknown, who: Follower = follower) {
  return server.call(LAST, { query: { sessionId: who.sessionId }, body })
}

describe('Subscriber/AcceptSubscriptionInvitation', () => {
  it('accepts with the invitation id and answers the subscription id as a bare string', async () => {
    const { subscriptionId, invitationId } = await invite(server, publisher)
    server.clock.advance(MINUTE)
    const result = await accept(server, follower, invitationId.toUpperCase())
    expect(result.status).toBe(200)
    expect(result.headers['content-type']).toMatch(/^application\/json/)
    expect(result.text).toBe(`"${subscriptionId}"`)
    const followers = await asPublisher(
      server,
      publisher,
      'Publisher/ListPublisherAccountSubscriptions',
      {},
    )
    expect(followers.json).toEqual([
      expect.objectContaining({
        SubscriptionId: subscriptionId,
        SubscriberId: follower.account.id,
        State: 2,
        IsEnabled: true,
        DateTimeModified: { DateTime: `/Date(${server.clock.now()})/`, OffsetMinutes: 0 },
      }),
    ])
  })

  it('answers the same id when the same follower accepts again, even after the invitation would have expired', async () => {
    const { subscriptionId, invitationId } = await invite(server, publisher)
    expect((await accept(server, follower, invitationId)).json).toBe(subscriptionId)
    expect((await accept(server, follower, invitationId)).json).toBe(subscriptionId)
    server.clock.advance(WEEK + MINUTE)
    const again = { ...follower, sessionId: await loginFollower(server, follower.account) }
    expect((await accept(server, again, invitationId)).json).toBe(subscriptionId)
    expect(await list(again)).toHaveLength(1)
  })

  it('refuses an invitation another follower accepted with InvalidArgument, and keeps the first', async () => {
    const { subscriptionId, invitationId } = await invite(server, publisher)
    await accept(server, follower, invitationId)
    const other = await addFollower(server)
    const fault = expectFault(await accept(server, other, invitationId), 'InvalidArgument')
    expect(fault['Message']).toBe('No such invitation.')
    expect(await list(other)).toEqual([])
    expect(await list()).toEqual([expect.objectContaining({ SubscriptionId: subscriptionId })])
  })

  it('answers InvitationExpired once 7 days have passed, and accepts up to then', async () => {
    const first = await invite(server, publisher)
    const second = await invite(server, publisher)
    server.clock.advance(WEEK - 1)
    follower = { ...follower, sessionId: await loginFollower(server, follower.account) }
    expect((await accept(server, follower, first.invitationId)).json).toBe(first.subscriptionId)
    server.clock.advance(1)
    const fault = expectFault(
      await accept(server, follower, second.invitationId),
      'InvitationExpired',
    )
    expect(fault['Message']).toBe('The invitation expired; ask for a new one.')
    expect((await list()).map((s) => s['SubscriptionId'])).toEqual([first.subscriptionId])
  })

  it('accepts the new invitation after an expired one was replaced, not the old one', async () => {
    const old = await invite(server, publisher)
    server.clock.advance(WEEK)
    follower = { ...follower, sessionId: await loginFollower(server, follower.account) }
    const publisherSession = await server.login(publisher.account)
    const renewed = await server.call('Publisher/CreateSubscriptionInvitation', {
      query: { sessionId: publisherSession, contactId: old.contactId },
      body: {},
    })
    const subscriptionId = renewed.json as string
    const invitationId = (
      await server.call('Publisher/ReadSubscriptionInviteId', {
        query: { sessionId: publisherSession, subscriptionId },
      })
    ).json as string
    expectFault(await accept(server, follower, old.invitationId), 'InvalidArgument')
    expect((await accept(server, follower, invitationId)).json).toBe(subscriptionId)
  })

  it('answers InvalidArgument for an unknown, a deleted contact’s or a subscription id', async () => {
    const { contactId, subscriptionId, invitationId } = await invite(server, publisher)
    for (const id of [randomUUID(), subscriptionId]) {
      expectFault(await accept(server, follower, id), 'InvalidArgument')
    }
    expectEmpty(await asPublisher(server, publisher, 'Publisher/DeleteContact', { contactId }))
    expectFault(await accept(server, follower, invitationId), 'InvalidArgument')
    expect(await list()).toEqual([])
  })

  it('refuses a second invitation of a publisher the follower already follows, until that contact is deleted', async () => {
    const first = await invite(server, publisher)
    const second = await invite(server, publisher)
    expect((await accept(server, follower, first.invitationId)).json).toBe(first.subscriptionId)
    const fault = expectFault(
      await accept(server, follower, second.invitationId),
      'InvalidArgument',
    )
    expect(fault['Message']).toBe('This follower already follows this publisher.')
    expect((await list()).map((s) => s['SubscriptionId'])).toEqual([first.subscriptionId])
    // The refused invitation stays open for someone else, and the first one still accepts again.
    const other = await addFollower(server)
    expect((await accept(server, other, second.invitationId)).json).toBe(second.subscriptionId)
    expect((await accept(server, follower, first.invitationId)).json).toBe(first.subscriptionId)
    // Once the publisher deletes the first contact, a new invitation can be accepted.
    const contactId = first.contactId
    expectEmpty(await asPublisher(server, publisher, 'Publisher/DeleteContact', { contactId }))
    const third = await invite(server, publisher)
    expect((await accept(server, follower, third.invitationId)).json).toBe(third.subscriptionId)
    expect((await list()).map((s) => s['SubscriptionId'])).toEqual([third.subscriptionId])
  })

  it('accepts only one of the same publisher’s invitations accepted at once', async () => {
    const invitations = [await invite(server, publisher), await invite(server, publisher)]
    const results = await Promise.all(
      invitations.map((i) => accept(server, follower, i.invitationId)),
    )
    const refused = results.filter((r) => r.status !== 200)
    expect(refused).toHaveLength(1)
    expect(expectFault(refused[0]!, 'InvalidArgument')['Message']).toBe(
      'This follower already follows this publisher.',
    )
    expect(await list()).toHaveLength(1)
  })

  it('answers InvalidArgument for a missing or malformed invitation id', async () => {
    expectFault(await asFollower(server, follower, ACCEPT), 'InvalidArgument')
    for (const invitationId of ['', 'abc', '1234', `${randomUUID()}x`]) {
      expectFault(await asFollower(server, follower, ACCEPT, { invitationId }), 'InvalidArgument')
    }
  })

  it('takes the invitation id from a JSON body too', async () => {
    const { subscriptionId, invitationId } = await invite(server, publisher)
    const result = await server.call(ACCEPT, {
      query: { sessionId: follower.sessionId },
      body: { invitationId },
    })
    expect(result.json).toBe(subscriptionId)
  })
})

describe('Subscriber/ListSubscriberAccountSubscriptions', () => {
  it('answers [] for a follower with no subscription, and leaves pending invitations out', async () => {
    expect(await list()).toEqual([])
    await invite(server, publisher)
    expect(await list()).toEqual([])
  })

  it('lists an accepted subscription with every field and its exact value', async () => {
    const invitedAt = server.clock.now()
    const { contactId, subscriptionId, invitationId } = await invite(server, publisher, {
      Permissions: 1,
      DisplayName: 'Sam',
    })
    server.clock.advance(5 * MINUTE)
    await accept(server, follower, invitationId)
    const contact = await asPublisher(server, publisher, 'Publisher/ReadContact', { contactId })
    const subscriptions = await list()
    expect(subscriptions).toHaveLength(1)
    expect(subscriptions[0]).toStrictEqual({
      ContactId: contactId,
      ContactName: (contact.json as { Name: string }).Name,
      DateTimeCreated: { DateTime: `/Date(${invitedAt})/`, OffsetMinutes: 0 },
      DateTimeModified: { DateTime: `/Date(${server.clock.now()})/`, OffsetMinutes: 0 },
      DisplayName: 'Sam',
      InvitationId: invitationId,
      InviteExpires: { DateTime: `/Date(${invitedAt + WEEK})/`, OffsetMinutes: 0 },
      IsEnabled: true,
      IsMonitoringSessionActive: true,
      Permissions: 1,
      State: 2,
      SubscriberId: follower.account.id,
      SubscriptionId: subscriptionId,
    })
  })

  it("reports the publisher's monitoring session, permissions and pause as they change", async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/StopRemoteMonitoringSession', {
        serialNumber: publisher.serial,
      }),
    )
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/UpdateSubscriptionPermissions', {
        subscriptionId,
        permissions: 0,
      }),
    )
    expectEmpty(
      await asPublisher(server, publisher, 'General/PauseSubscription', { subscriptionId }),
    )
    expect(await list()).toEqual([
      expect.objectContaining({
        IsMonitoringSessionActive: false,
        Permissions: 0,
        IsEnabled: false,
        State: 2,
      }),
    ])
  })

  it('leaves out a subscription whose contact the publisher deleted', async () => {
    const { contactId } = await share(server, publisher, follower)
    const other = await addPublisher(server)
    const kept = await share(server, other, follower)
    expectEmpty(await asPublisher(server, publisher, 'Publisher/DeleteContact', { contactId }))
    expect((await list()).map((s) => s['SubscriptionId'])).toEqual([kept.subscriptionId])
  })

  it('keeps its order when a publisher pauses, resumes or changes permissions', async () => {
    const first = await share(server, publisher, follower)
    server.clock.advance(MINUTE)
    const second = await share(server, await addPublisher(server), follower)
    const order = [first.subscriptionId, second.subscriptionId]
    expect((await list()).map((s) => s['SubscriptionId'])).toEqual(order)
    server.clock.advance(MINUTE)
    const id = { subscriptionId: first.subscriptionId }
    expectEmpty(await asPublisher(server, publisher, 'General/PauseSubscription', id))
    expectEmpty(await asPublisher(server, publisher, 'General/ResumeSubscription', id))
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/UpdateSubscriptionPermissions', {
        ...id,
        permissions: 0,
      }),
    )
    // Clients show `[0]`: a publisher's pause must not switch whom the follower sees.
    expect((await list()).map((s) => s['SubscriptionId'])).toEqual(order)
  })

  it('answers a follower client that posts a form body', async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    const result = await server.call(LIST, {
      body: `sessionId=${follower.sessionId}`,
      contentType: 'application/x-www-form-urlencoded',
    })
    expect(result.status, result.text).toBe(200)
    expect(result.json).toEqual([expect.objectContaining({ SubscriptionId: subscriptionId })])
  })
})

describe('Subscriber/ReadSubscriptionLatestGlucoseValues', () => {
  it('answers the newest readings first, within minutes and maxCount, by POST and GET', async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    await upload(server, publisher, trace([120, 118, 116, 114, 112]))
    const now = server.clock.now()
    const all = await latest(subscriptionId, 1440, 288)
    expect(all.status).toBe(200)
    expect(all.json).toEqual(
      [120, 118, 116, 114, 112].map((v, i) => wireEgv(readingTime(now, i * 5), v)),
    )
    expect((await latest(subscriptionId.toUpperCase(), 1440, 2)).json).toEqual([
      wireEgv(readingTime(now, 0), 120),
      wireEgv(readingTime(now, 5), 118),
    ])
    // Readings at 0, 5 and 10 minutes ago are within 10 minutes.
    expect((await latest(subscriptionId, 10, 288)).json).toHaveLength(3)
    const get = await server.call(LATEST, {
      method: 'GET',
      query: { sessionId: follower.sessionId, subscriptionId, minutes: 1440, maxCount: 1 },
    })
    expect(get.json).toEqual([wireEgv(readingTime(now, 0), 120)])
  })

  it('clamps minutes and maxCount above the limits and answers [] for zero', async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    await upload(server, publisher, trace([120, 118]))
    expect((await latest(subscriptionId, 100_000, 100_000)).json).toHaveLength(2)
    expect((await latest(subscriptionId, 0, 10)).text).toBe('[]')
    expect((await latest(subscriptionId, 10, 0)).text).toBe('[]')
  })

  it('answers only the newest reading with Permissions 0, whatever maxCount asks', async () => {
    const { subscriptionId } = await share(server, publisher, follower, { Permissions: 0 })
    await upload(server, publisher, trace([120, 118, 116]))
    const now = server.clock.now()
    for (const maxCount of [1, 2, 288, 100_000]) {
      expect((await latest(subscriptionId, 1440, maxCount)).json).toEqual([
        wireEgv(readingTime(now, 0), 120),
      ])
    }
    // Still within the window asked for.
    server.clock.advance(30 * MINUTE)
    expect((await latest(subscriptionId, 10, 288)).text).toBe('[]')
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/UpdateSubscriptionPermissions', {
        subscriptionId,
        permissions: 1,
      }),
    )
    expect((await latest(subscriptionId, 1440, 288)).json).toHaveLength(3)
  })

  it('answers [] while the publisher pauses, and the readings again once resumed', async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    await upload(server, publisher, trace([120, 118]))
    expectEmpty(
      await asPublisher(server, publisher, 'General/PauseSubscription', { subscriptionId }),
    )
    expect((await latest(subscriptionId, 1440, 288)).text).toBe('[]')
    expectEmpty(
      await asPublisher(server, publisher, 'General/ResumeSubscription', { subscriptionId }),
    )
    expect((await latest(subscriptionId, 1440, 288)).json).toHaveLength(2)
  })

  it('answers SubscriptionDeleted once the publisher deleted the contact', async () => {
    const { contactId, subscriptionId } = await share(server, publisher, follower)
    await upload(server, publisher, trace([120]))
    expectEmpty(await asPublisher(server, publisher, 'Publisher/DeleteContact', { contactId }))
    const fault = expectFault(await latest(subscriptionId, 1440, 288), 'SubscriptionDeleted')
    expect(fault['Message']).toBe('The publisher removed this follower.')
  })

  it('answers InvalidArgument for a publisher who did not invite the follower, or a pending invitation', async () => {
    await upload(server, publisher, trace([120]))
    const pending = await invite(server, publisher)
    const others = await share(server, publisher, await addFollower(server))
    for (const subscriptionId of [pending.subscriptionId, others.subscriptionId, randomUUID()]) {
      const result = await latest(subscriptionId, 1440, 288)
      expect(expectFault(result, 'InvalidArgument')['Message']).toBe(NOT_YOURS)
      expect(result.text).not.toContain('"Value"')
    }
  })

  it('answers InvalidArgument for missing or malformed parameters', async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    const bad: Record<string, string | number>[] = [
      { minutes: 1440, maxCount: 1 },
      { subscriptionId: 'abc', minutes: 1440, maxCount: 1 },
      { subscriptionId: '', minutes: 1440, maxCount: 1 },
      { subscriptionId, maxCount: 1 },
      { subscriptionId, minutes: 1440 },
      { subscriptionId, minutes: -1, maxCount: 1 },
      { subscriptionId, minutes: 1440, maxCount: -1 },
      { subscriptionId, minutes: 'all', maxCount: 1 },
      { subscriptionId, minutes: 1440, maxCount: 1.5 },
    ]
    for (const query of bad) {
      expectFault(await asFollower(server, follower, LATEST, query), 'InvalidArgument')
    }
  })
})

describe('Subscriber/ReadLastGlucoseFromSubscriptions', () => {
  it('answers the newest reading of each subscription, in the order asked', async () => {
    const other = await addPublisher(server)
    const a = await share(server, publisher, follower)
    const b = await share(server, other, follower)
    await upload(server, publisher, trace([120, 118]))
    await upload(server, other, [{ minutesAgo: 2, value: 201, trend: 2 }])
    const now = server.clock.now()
    const result = await last([b.subscriptionId.toUpperCase(), a.subscriptionId])
    expect(result.status).toBe(200)
    expect(result.json).toStrictEqual([
      { SubscriptionId: b.subscriptionId, Egv: wireEgv(readingTime(now, 2), 201, 'SingleUp') },
      { SubscriptionId: a.subscriptionId, Egv: wireEgv(readingTime(now, 0), 120) },
    ])
  })

  it('leaves out paused subscriptions and those without a reading in the last 24 hours', async () => {
    const quiet = await addPublisher(server)
    const old = await addPublisher(server)
    const paused = await addPublisher(server)
    const ids = [
      (await share(server, publisher, follower)).subscriptionId,
      (await share(server, quiet, follower)).subscriptionId,
      (await share(server, old, follower)).subscriptionId,
      (await share(server, paused, follower)).subscriptionId,
    ]
    await upload(server, publisher, trace([120]))
    await upload(server, old, [{ minutesAgo: 24 * 60 + 1, value: 99 }])
    await upload(server, paused, trace([250]))
    expectEmpty(
      await asPublisher(server, paused, 'General/PauseSubscription', { subscriptionId: ids[3]! }),
    )
    const result = await last(ids)
    expect(result.json).toEqual([
      { SubscriptionId: ids[0], Egv: expect.objectContaining({ Value: 120 }) },
    ])
    expect(result.text).not.toContain('"Value":250')
  })

  it('answers the newest reading with Permissions 0', async () => {
    const { subscriptionId } = await share(server, publisher, follower, { Permissions: 0 })
    await upload(server, publisher, trace([120, 118]))
    expect((await last([subscriptionId])).json).toEqual([
      { SubscriptionId: subscriptionId, Egv: wireEgv(readingTime(server.clock.now(), 0), 120) },
    ])
  })

  it('refuses the whole request for an id that is not the follower’s or is deleted', async () => {
    const mine = await share(server, publisher, follower)
    await upload(server, publisher, trace([120]))
    const others = await share(server, publisher, await addFollower(server))
    const pending = await invite(server, publisher)
    for (const id of [others.subscriptionId, pending.subscriptionId, randomUUID()]) {
      const result = await last([mine.subscriptionId, id])
      expect(expectFault(result, 'InvalidArgument')['Message']).toBe(NOT_YOURS)
      expect(result.text).not.toContain('"Egv"')
    }
  })

  it('answers SubscriptionDeleted for a deleted subscription among others', async () => {
    const other = await addPublisher(server)
    const mine = await share(server, publisher, follower)
    const gone = await share(server, other, follower)
    await upload(server, publisher, trace([120]))
    expectEmpty(
      await asPublisher(server, other, 'Publisher/DeleteContact', { contactId: gone.contactId }),
    )
    const result = await last([mine.subscriptionId, gone.subscriptionId])
    expectFault(result, 'SubscriptionDeleted')
    expect(result.text).not.toContain('"Egv"')
  })

  it('answers InvalidArgument for a body that is not a non-empty array of at most 50 UUIDs', async () => {
    const { subscriptionId } = await share(server, publisher, follower)
    await upload(server, publisher, trace([120]))
    const bad: unknown[] = [
      [],
      {},
      { subscriptionIds: [subscriptionId] },
      JSON.stringify(subscriptionId),
      42,
      null,
      ['abc'],
      [subscriptionId, 7],
      [[subscriptionId]],
      Array.from({ length: 51 }, () => subscriptionId),
    ]
    for (const body of bad) {
      const result = await last(body)
      expectFault(result, 'InvalidArgument')
      expect(result.text).not.toContain('"Egv"')
    }
    const none = await server.call(LAST, { query: { sessionId: follower.sessionId } })
    expect(expectFault(none, 'InvalidArgument')['Message']).toBe('The request body is required.')
    expectFault(await last('[not json'), 'InvalidArgument', 400)
    // Exactly 50 ids is allowed (repeats answer repeats).
    expect((await last(Array.from({ length: 50 }, () => subscriptionId))).json).toHaveLength(50)
  })
})
