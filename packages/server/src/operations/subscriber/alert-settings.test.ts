import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { startTestServer, type TestServer } from '../../test-support.js'
import { expectEmpty, expectFault } from '../../test-expect.js'
import {
  DEFAULT_EXTRA_WIRE,
  NOT_YOURS,
  XDRIP_ALERTS,
  addFollower,
  addPublisher,
  asFollower,
  asPublisher,
  invite,
  share,
  type Follower,
  type Invitation,
  type Publisher,
} from './test-follower-fixture.js'

const READ = 'Subscriber/ReadSubscriptionAlertSettings'
const UPDATE = 'Subscriber/UpdateSubscriptionAlertSettings'

/** The invitation the publisher sends: xDrip+'s alerts, high on at 250. */
const INVITED = {
  ...XDRIP_ALERTS,
  HighAlert: { ...XDRIP_ALERTS.HighAlert, IsEnabled: true, MinValue: 250 },
}

let server: TestServer
let publisher: Publisher
let follower: Follower
let shared: Invitation

beforeEach(async () => {
  server = await startTestServer()
  publisher = await addPublisher(server)
  follower = await addFollower(server)
  shared = await share(server, publisher, follower, { AlertSettings: INVITED, Permissions: 1 })
})
afterEach(async () => {
  await server.close()
})

const read = (subscriptionId = shared.subscriptionId) =>
  asFollower(server, follower, READ, { subscriptionId })
const update = (body: unknown, subscriptionId = shared.subscriptionId) =>
  asFollower(server, follower, UPDATE, { subscriptionId }, body)

async function publisherView(): Promise<unknown> {
  const result = await asPublisher(server, publisher, 'General/ReadSubscriptionAlerts', {
    subscriptionId: shared.subscriptionId,
  })
  expect(result.status, result.text).toBe(200)
  return result.json
}

describe('Subscriber/ReadSubscriptionAlertSettings', () => {
  it("answers the invitation's alerts, the extra alerts off, and IsOwn false", async () => {
    const result = await read()
    expect(result.status).toBe(200)
    expect(result.json).toStrictEqual({
      AlertSettings: INVITED,
      ExtraAlertSettings: DEFAULT_EXTRA_WIRE,
      IsOwn: false,
    })
    // GET is not offered: only POST.
    const get = await server.call(READ, {
      method: 'GET',
      query: { sessionId: follower.sessionId, subscriptionId: shared.subscriptionId },
    })
    expectFault(get, 'EndpointNotFound', 404)
  })

  it('fills in the defaults for alerts the invitation left out', async () => {
    // From another publisher: a follower holds one live subscription per publisher.
    shared = await share(server, await addPublisher(server), follower, {})
    expect((await read()).json).toMatchObject({ AlertSettings: XDRIP_ALERTS, IsOwn: false })
  })

  it('answers InvalidArgument for a subscription that is not the follower’s, SubscriptionDeleted once deleted', async () => {
    const others = await share(server, publisher, await addFollower(server))
    const pending = await invite(server, publisher)
    for (const id of [others.subscriptionId, pending.subscriptionId, randomUUID()]) {
      expect(expectFault(await read(id), 'InvalidArgument')['Message']).toBe(NOT_YOURS)
    }
    for (const id of ['abc', '']) expectFault(await read(id), 'InvalidArgument')
    expectFault(await asFollower(server, follower, READ), 'InvalidArgument')
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/DeleteContact', {
        contactId: shared.contactId,
      }),
    )
    expectFault(await read(), 'SubscriptionDeleted')
  })
})

describe('Subscriber/UpdateSubscriptionAlertSettings', () => {
  it("changes the follower's settings only; the publisher still reads the invitation's", async () => {
    const result = await update({
      AlertSettings: {
        FixedLowAlert: { IsEnabled: true, MaxValue: 60, RealarmDelay: 'PT15M' },
        NoDataAlert: { IsEnabled: true, AlarmDelay: '00:20:00' },
      },
      ExtraAlertSettings: { FallingFastAlert: { IsEnabled: true, Rate: 2.5 } },
    })
    const expected = {
      AlertSettings: {
        ...INVITED,
        FixedLowAlert: {
          ...INVITED.FixedLowAlert,
          IsEnabled: true,
          MaxValue: 60,
          RealarmDelay: 'PT15M',
        },
        NoDataAlert: { ...INVITED.NoDataAlert, IsEnabled: true, AlarmDelay: 'PT20M' },
      },
      ExtraAlertSettings: {
        ...DEFAULT_EXTRA_WIRE,
        FallingFastAlert: { ...DEFAULT_EXTRA_WIRE.FallingFastAlert, IsEnabled: true, Rate: 2.5 },
      },
      IsOwn: true,
    }
    expect(result.status, result.text).toBe(200)
    expect(result.json).toStrictEqual(expected)
    expect((await read()).json).toStrictEqual(expected)
    expect(await publisherView()).toStrictEqual(INVITED)
  })

  it('keeps what a change leaves out at its current value, the own settings included', async () => {
    await update({ AlertSettings: { LowAlert: { IsEnabled: true, MaxValue: 80 } } })
    const second = await update({
      AlertSettings: { LowAlert: { AlarmDelay: 'PT0M' }, HighAlert: { Sound: 'Beep.wav' } },
      ExtraAlertSettings: { UrgentLowSoonAlert: { IsEnabled: true } },
    })
    expect(second.json).toStrictEqual({
      AlertSettings: {
        ...INVITED,
        HighAlert: { ...INVITED.HighAlert, Sound: 'Beep.wav' },
        LowAlert: { ...INVITED.LowAlert, IsEnabled: true, MaxValue: 80, AlarmDelay: 'PT0M' },
      },
      ExtraAlertSettings: {
        ...DEFAULT_EXTRA_WIRE,
        UrgentLowSoonAlert: { ...DEFAULT_EXTRA_WIRE.UrgentLowSoonAlert, IsEnabled: true },
      },
      IsOwn: true,
    })
    // An empty change keeps everything and still makes the settings the follower's own.
    expect((await update({})).json).toStrictEqual(second.json)
    expect(await publisherView()).toStrictEqual(INVITED)
  })

  it("leaves other followers' settings of the same publisher alone", async () => {
    const other = await addFollower(server)
    const theirs = await share(server, publisher, other, { AlertSettings: INVITED })
    await update({ AlertSettings: { HighAlert: { IsEnabled: false } } })
    const result = await asFollower(server, other, READ, { subscriptionId: theirs.subscriptionId })
    expect(result.json).toMatchObject({ AlertSettings: INVITED, IsOwn: false })
  })

  it('refuses malformed settings with InvalidArgument and changes nothing', async () => {
    const bad: unknown[] = [
      { AlertSettings: { HighAlert: { AlarmDelay: 'soon' } } },
      { AlertSettings: { HighAlert: { AlarmDelay: 'PT90S' } } },
      { AlertSettings: { LowAlert: { RealarmDelay: 'PT25H' } } },
      { AlertSettings: { LowAlert: { RealarmDelay: '-PT5M' } } },
      { AlertSettings: { LowAlert: { AlertType: 1 } } },
      { AlertSettings: { LowAlert: { MinValue: 300, MaxValue: 100 } } },
      { AlertSettings: { HighAlert: { MinValue: 402 } } },
      { AlertSettings: { FixedLowAlert: { MaxValue: 38 } } },
      { AlertSettings: { FixedLowAlert: { MaxValue: 55.5 } } },
      { AlertSettings: { FixedLowAlert: { IsEnabled: 'maybe' } } },
      { AlertSettings: { NoDataAlert: 'off' } },
      { AlertSettings: 'none' },
      { AlertSettings: [] },
      { ExtraAlertSettings: { RisingFastAlert: { Rate: 1 } } },
      { ExtraAlertSettings: { FallingFastAlert: { Rate: 6 } } },
      { ExtraAlertSettings: { FallingFastAlert: { Rate: 'fast' } } },
      { ExtraAlertSettings: { RisingFastAlert: { AlarmDelay: 'PT1H1S' } } },
      { ExtraAlertSettings: { UrgentLowSoonAlert: { RealarmDelay: 'P2D' } } },
      { ExtraAlertSettings: 7 },
      [],
      'settings',
    ]
    for (const body of bad) {
      const payload = typeof body === 'string' ? JSON.stringify(body) : body
      expectFault(await update(payload), 'InvalidArgument')
    }
    const none = await server.call(UPDATE, {
      query: { sessionId: follower.sessionId, subscriptionId: shared.subscriptionId },
    })
    expectFault(none, 'InvalidArgument')
    expect((await read()).json).toMatchObject({ AlertSettings: INVITED, IsOwn: false })
  })

  it('answers InvalidArgument for a subscription that is not the follower’s, SubscriptionDeleted once deleted', async () => {
    const others = await share(server, publisher, await addFollower(server), {
      AlertSettings: INVITED,
    })
    const change = { AlertSettings: { HighAlert: { IsEnabled: false } } }
    expect(
      expectFault(await update(change, others.subscriptionId), 'InvalidArgument')['Message'],
    ).toBe(NOT_YOURS)
    expectFault(await update(change, 'abc'), 'InvalidArgument')
    const theirs = await asPublisher(server, publisher, 'General/ReadSubscriptionAlerts', {
      subscriptionId: others.subscriptionId,
    })
    expect(theirs.json).toStrictEqual(INVITED)
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/DeleteContact', {
        contactId: shared.contactId,
      }),
    )
    expectFault(await update(change), 'SubscriptionDeleted')
  })

  it('works while the publisher pauses the subscription', async () => {
    expectEmpty(
      await asPublisher(server, publisher, 'General/PauseSubscription', {
        subscriptionId: shared.subscriptionId,
      }),
    )
    const result = await update({ AlertSettings: { HighAlert: { MinValue: 260 } } })
    expect(result.json).toMatchObject({ AlertSettings: { HighAlert: { MinValue: 260 } } })
  })
})
