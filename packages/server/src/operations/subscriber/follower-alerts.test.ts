/**
The alerts engine seen from the follower: uploads and due checks on a manual clock, the alert
events endpoint, acknowledgements, pause and delete, a restart, and webhook deliveries to a real
local receiver.
*/
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { backgroundOf } from '../../app.js'
import { ManualClock, startTestServer, type TestServer } from '../../test-support.js'
import { expectEmpty, expectFault } from '../../test-expect.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../webhooks/test-webhook-receiver.js'
import {
  WEBHOOK_EVENT_ID_HEADER,
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../../webhooks/sign-webhook.js'
import {
  LOWER_UUID,
  MINUTE,
  URGENT_LOW_INVITATION,
  XDRIP_ALERTS,
  addFollower,
  addPublisher,
  asFollower,
  asPublisher,
  loginFollower,
  share,
  upload,
  type Follower,
  type Invitation,
  type Publisher,
} from './test-follower-fixture.js'

const EVENTS = 'Subscriber/ReadAlertEvents'
const ACK = 'Subscriber/AcknowledgeAlert'
const REALARM = 30 * MINUTE

interface AlertEvents {
  Current: Record<string, unknown>[]
  Events: Record<string, unknown>[]
}

let server: TestServer
let publisher: Publisher
let follower: Follower
let shared: Invitation

async function setUp(invitation: unknown = URGENT_LOW_INVITATION): Promise<void> {
  publisher = await addPublisher(server)
  follower = await addFollower(server)
  shared = await share(server, publisher, follower, invitation)
}

/** Uploads one reading taken now. */
function reading(value: number): Promise<void> {
  return upload(server, publisher, [{ minutesAgo: 0, value }])
}

/** Five minutes later, the next reading. */
async function next(value: number): Promise<void> {
  server.clock.advance(5 * MINUTE)
  await reading(value)
}

/** 120, 100, 80, 65 then 55 mg/dL, five minutes apart: urgent low (at or below 55) fires at the last. */
async function fallToUrgentLow(): Promise<number> {
  await reading(120)
  for (const value of [100, 80, 65]) await next(value)
  expect(await history()).toEqual([])
  await next(55)
  return server.clock.now()
}

async function alertEvents(
  who: Follower = follower,
  subscriptionId = shared.subscriptionId,
  query: Record<string, number> = {},
): Promise<AlertEvents> {
  const result = await asFollower(server, who, EVENTS, { subscriptionId, ...query })
  expect(result.status, result.text).toBe(200)
  return result.json as AlertEvents
}

/** `kind:type` of every event, oldest first. */
async function history(who: Follower = follower, subscriptionId = shared.subscriptionId) {
  const { Events } = await alertEvents(who, subscriptionId)
  return Events.map((e) => `${String(e['Kind'])}:${String(e['Type'])}`).reverse()
}

function acknowledge(kind: string, who: Follower = follower) {
  return asFollower(server, who, ACK, { subscriptionId: shared.subscriptionId, kind })
}

function runDueChecks(): Promise<number> {
  return backgroundOf(server.app).alerts.runDueChecks()
}

describe('follower alerts', () => {
  beforeEach(async () => {
    server = await startTestServer()
  })
  afterEach(async () => {
    await server.close()
  })

  it('fires urgent low once on a falling trace, lists it, and re-alarms after RealarmDelay', async () => {
    await setUp()
    const firedAt = await fallToUrgentLow()
    const events = await alertEvents()
    expect(events).toStrictEqual({
      Current: [
        {
          Kind: 'urgentLow',
          Since: firedAt,
          FiredAt: firedAt,
          LastNotifiedAt: firedAt,
          AcknowledgedAt: null,
          Silenced: false,
          SilencedUntil: null,
        },
      ],
      Events: [
        {
          EventId: expect.stringMatching(LOWER_UUID),
          SubscriptionId: shared.subscriptionId,
          Kind: 'urgentLow',
          Type: 'fired',
          At: firedAt,
          Since: firedAt,
          Value: 55,
          ReadingTime: firedAt,
          Threshold: 55,
        },
      ],
    })
    // Still low for 25 minutes: no second notification, however often the timer runs.
    for (const value of [50, 48, 47, 46, 45]) {
      await next(value)
      await runDueChecks()
    }
    expect(await history()).toEqual(['urgentLow:fired'])
    await next(44)
    expect(server.clock.now()).toBe(firedAt + REALARM)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:realarm'])
    expect((await alertEvents()).Current).toEqual([
      expect.objectContaining({ FiredAt: firedAt, LastNotifiedAt: firedAt + REALARM }),
    ])
    // Back above the threshold: cleared once, and nothing sounds.
    await next(70)
    await next(75)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:realarm', 'urgentLow:cleared'])
    expect((await alertEvents()).Current).toEqual([])
  })

  it('re-alarms from the timer when no reading arrives at the re-alarm time', async () => {
    await setUp()
    const firedAt = await fallToUrgentLow()
    for (const value of [50, 49, 48, 47, 46]) await next(value)
    // The reading due at the re-alarm time is late: the timer re-alarms on the fresh one before.
    server.clock.advance(5 * MINUTE - 1)
    expect(await runDueChecks()).toBe(0)
    server.clock.advance(1)
    expect(await runDueChecks()).toBe(1)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:realarm'])
    expect((await alertEvents()).Events[0]).toMatchObject({ At: firedAt + REALARM, Value: 46 })
  })

  it('does not re-alarm on stale readings: NoData is for that', async () => {
    await setUp()
    await fallToUrgentLow()
    server.clock.advance(2 * 60 * MINUTE)
    expect(await runDueChecks()).toBe(0)
    expect(await history()).toEqual(['urgentLow:fired'])
    // Still sounding: nothing cleared it.
    expect((await alertEvents()).Current).toEqual([expect.objectContaining({ Kind: 'urgentLow' })])
  })

  it.each([
    { via: 'the timer', realarm: () => runDueChecks() },
    { via: 'the next upload', realarm: () => reading(44) },
  ])(
    'silences an acknowledged alert until RealarmDelay, then re-alarms through $via',
    async ({ realarm }) => {
      await setUp()
      const firedAt = await fallToUrgentLow()
      await next(50)
      expectEmpty(await acknowledge('urgentLow'))
      const ackAt = firedAt + 5 * MINUTE
      const events = await alertEvents()
      expect(events.Current).toEqual([
        expect.objectContaining({
          Kind: 'urgentLow',
          AcknowledgedAt: ackAt,
          Silenced: true,
          SilencedUntil: ackAt + REALARM,
        }),
      ])
      expect(events.Events[0]).toStrictEqual({
        EventId: expect.stringMatching(LOWER_UUID),
        SubscriptionId: shared.subscriptionId,
        Kind: 'urgentLow',
        Type: 'acknowledged',
        At: ackAt,
        SilencedUntil: ackAt + REALARM,
      })
      // The unacknowledged re-alarm time passes quietly.
      for (const value of [48, 47, 46, 45, 44]) {
        await next(value)
        await runDueChecks()
      }
      expect(server.clock.now()).toBe(firedAt + REALARM)
      expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:acknowledged'])
      server.clock.advance(5 * MINUTE)
      expect(server.clock.now()).toBe(ackAt + REALARM)
      await realarm()
      expect(await history()).toEqual([
        'urgentLow:fired',
        'urgentLow:acknowledged',
        'urgentLow:realarm',
      ])
      expect((await alertEvents()).Current).toEqual([
        expect.objectContaining({ AcknowledgedAt: null, Silenced: false, SilencedUntil: null }),
      ])
    },
  )

  it('keeps an alert with RealarmDelay PT0M quiet after an acknowledgement until it clears', async () => {
    await setUp({
      AlertSettings: {
        ...XDRIP_ALERTS,
        FixedLowAlert: { ...XDRIP_ALERTS.FixedLowAlert, IsEnabled: true, RealarmDelay: 'PT0M' },
      },
    })
    await fallToUrgentLow()
    expectEmpty(await acknowledge('urgentLow'))
    expect((await alertEvents()).Current).toEqual([
      expect.objectContaining({ Silenced: true, SilencedUntil: null }),
    ])
    for (let i = 0; i < 24; i += 1) await next(50)
    expect(await runDueChecks()).toBe(0)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:acknowledged'])
    await next(90)
    await next(50)
    expect(await history()).toEqual([
      'urgentLow:fired',
      'urgentLow:acknowledged',
      'urgentLow:cleared',
      'urgentLow:fired',
    ])
  })

  it('answers AlertNotActive for an alert that is not sounding, and InvalidArgument for an unknown kind', async () => {
    await setUp()
    expectFault(await acknowledge('urgentLow'), 'AlertNotActive')
    await fallToUrgentLow()
    for (const kind of ['low', 'high', 'noData', 'risingFast', 'fallingFast', 'urgentLowSoon']) {
      const fault = expectFault(await acknowledge(kind), 'AlertNotActive')
      expect(fault['Message']).toBe('The alert is not sounding.')
    }
    for (const kind of ['urgentlow', 'UrgentLow', 'FixedLowAlert', '', 'all']) {
      expectFault(await acknowledge(kind), 'InvalidArgument')
    }
    expectFault(
      await asFollower(server, follower, ACK, { subscriptionId: shared.subscriptionId }),
      'InvalidArgument',
    )
    await next(90)
    expectFault(await acknowledge('urgentLow'), 'AlertNotActive')
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:cleared'])
  })

  it("acknowledges only for the follower who did: another follower's alert keeps sounding", async () => {
    await setUp()
    const other = await addFollower(server)
    const theirs = await share(server, publisher, other, URGENT_LOW_INVITATION)
    await fallToUrgentLow()
    await next(50)
    expectEmpty(await acknowledge('urgentLow'))
    const events = await alertEvents(other, theirs.subscriptionId)
    expect(events.Current).toEqual([expect.objectContaining({ Silenced: false })])
    for (let i = 0; i < 5; i += 1) await next(50)
    expect(await history(other, theirs.subscriptionId)).toEqual([
      'urgentLow:fired',
      'urgentLow:realarm',
    ])
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:acknowledged'])
  })

  it('fires NoData from the timer once uploads stop, and clears it when data arrives', async () => {
    await setUp({
      AlertSettings: {
        ...XDRIP_ALERTS,
        NoDataAlert: { ...XDRIP_ALERTS.NoDataAlert, IsEnabled: true, AlarmDelay: 'PT20M' },
      },
    })
    await reading(120)
    const lastDataAt = server.clock.now()
    server.clock.advance(20 * MINUTE - 1)
    expect(await runDueChecks()).toBe(0)
    expect(await history()).toEqual([])
    server.clock.advance(1)
    expect(await runDueChecks()).toBe(1)
    expect((await alertEvents()).Events).toStrictEqual([
      {
        EventId: expect.stringMatching(LOWER_UUID),
        SubscriptionId: shared.subscriptionId,
        Kind: 'noData',
        Type: 'fired',
        At: lastDataAt + 20 * MINUTE,
        Since: lastDataAt,
        LastDataAt: lastDataAt,
      },
    ])
    // RealarmDelay PT0M: once, however long the silence lasts.
    server.clock.advance(3 * 60 * MINUTE)
    await runDueChecks()
    expect(await history()).toEqual(['noData:fired'])
    await reading(118)
    expect(await history()).toEqual(['noData:fired', 'noData:cleared'])
    expect((await alertEvents()).Events[0]).toMatchObject({ Reason: 'data-arrived' })
  })

  it('counts NoData from the acceptance when the publisher never uploaded', async () => {
    await setUp({
      AlertSettings: {
        ...XDRIP_ALERTS,
        NoDataAlert: { ...XDRIP_ALERTS.NoDataAlert, IsEnabled: true, AlarmDelay: 'PT15M' },
      },
    })
    const acceptedAt = server.clock.now()
    server.clock.advance(15 * MINUTE)
    expect(await runDueChecks()).toBe(1)
    expect((await alertEvents()).Events).toEqual([
      expect.objectContaining({ Kind: 'noData', Type: 'fired', Since: acceptedAt }),
    ])
  })

  it("applies the follower's own settings to their alerts, and clears a disabled one", async () => {
    await setUp()
    await fallToUrgentLow()
    const update = await asFollower(
      server,
      follower,
      'Subscriber/UpdateSubscriptionAlertSettings',
      { subscriptionId: shared.subscriptionId },
      { AlertSettings: { FixedLowAlert: { IsEnabled: false } } },
    )
    expect(update.status, update.text).toBe(200)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:cleared'])
    expect((await alertEvents()).Events[0]).toMatchObject({ Reason: 'disabled' })
    for (let i = 0; i < 7; i += 1) await next(45)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:cleared'])
  })

  it('ends a sounding alert with a cleared event when paused, then stops alerts and starts afresh on resume', async () => {
    await setUp()
    await fallToUrgentLow()
    const subscriptionId = shared.subscriptionId
    expectEmpty(
      await asPublisher(server, publisher, 'General/PauseSubscription', { subscriptionId }),
    )
    expect(await server.store.readAlertState(publisher.account.key, subscriptionId)).toBeUndefined()
    expect((await alertEvents()).Current).toEqual([])
    expectFault(await acknowledge('urgentLow'), 'AlertNotActive')
    expect((await alertEvents()).Events[0]).toMatchObject({ Type: 'cleared', Reason: 'paused' })
    for (let i = 0; i < 12; i += 1) {
      await next(45)
      expect(await runDueChecks()).toBe(0)
    }
    server.clock.advance(3 * 60 * MINUTE)
    expect(await runDueChecks()).toBe(0)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:cleared'])
    expectEmpty(
      await asPublisher(server, publisher, 'General/ResumeSubscription', { subscriptionId }),
    )
    await reading(45)
    expect(await history()).toEqual(['urgentLow:fired', 'urgentLow:cleared', 'urgentLow:fired'])
  })

  it('ends a sounding alert with a cleared event and stops alerts when the publisher deletes the follower', async () => {
    await setUp()
    await fallToUrgentLow()
    const before = await server.store.listAlertEvents(
      publisher.account.key,
      shared.subscriptionId,
      0,
      100,
    )
    expectEmpty(
      await asPublisher(server, publisher, 'Publisher/DeleteContact', {
        contactId: shared.contactId,
      }),
    )
    expect(
      await server.store.readAlertState(publisher.account.key, shared.subscriptionId),
    ).toBeUndefined()
    const [removed, ...rest] = await server.store.listAlertEvents(
      publisher.account.key,
      shared.subscriptionId,
      0,
      100,
    )
    expect(rest).toEqual(before)
    expect(removed).toMatchObject({ kind: 'urgentLow', type: 'cleared' })
    expect(JSON.parse(removed!.data)).toMatchObject({ reason: 'removed' })
    for (let i = 0; i < 12; i += 1) {
      await next(45)
      expect(await runDueChecks()).toBe(0)
    }
    expect(
      await server.store.listAlertEvents(publisher.account.key, shared.subscriptionId, 0, 100),
    ).toEqual([removed, ...before])
    expectFault(
      await asFollower(server, follower, EVENTS, { subscriptionId: shared.subscriptionId }),
      'SubscriptionDeleted',
    )
    expectFault(await acknowledge('urgentLow'), 'SubscriptionDeleted')
  })

  it('lists the events of the last `minutes`, and refuses bad minutes', async () => {
    await setUp()
    await fallToUrgentLow()
    server.clock.advance(REALARM)
    await reading(45)
    expect((await alertEvents(follower, shared.subscriptionId, { minutes: 29 })).Events).toEqual([
      expect.objectContaining({ Type: 'realarm' }),
    ])
    expect((await alertEvents(follower, shared.subscriptionId, { minutes: 0 })).Events).toEqual([
      expect.objectContaining({ Type: 'realarm' }),
    ])
    // Events older than a day drop out of the default window, but stay for a longer one.
    server.clock.advance(24 * 60 * MINUTE - 1)
    follower = { ...follower, sessionId: await loginFollower(server, follower.account) }
    expect(await history()).toEqual(['urgentLow:realarm'])
    expect(
      (await alertEvents(follower, shared.subscriptionId, { minutes: 43_200 })).Events,
    ).toHaveLength(2)
    for (const minutes of [-1, 43_201, 'day', 1.5]) {
      expectFault(
        await asFollower(server, follower, EVENTS, {
          subscriptionId: shared.subscriptionId,
          minutes,
        }),
        'InvalidArgument',
      )
    }
    for (const subscriptionId of ['abc', '']) {
      expectFault(await asFollower(server, follower, EVENTS, { subscriptionId }), 'InvalidArgument')
    }
  })

  describe('webhooks', () => {
    let receiver: WebhookReceiver
    beforeEach(async () => {
      receiver = await startWebhookReceiver()
    })
    afterEach(async () => {
      await receiver.close()
    })

    it('delivers each alert event once to a registered webhook, signed with its secret', async () => {
      await setUp()
      const created = await asFollower(
        server,
        follower,
        'Subscriber/CreateWebhook',
        {},
        {
          Url: `${receiver.origin}/hooks/alerts`,
        },
      )
      const { Secret: secret } = created.json as { Secret: string }
      const dispatcher = backgroundOf(server.app).webhooks
      const firedAt = await fallToUrgentLow()
      expect(await dispatcher.runDue()).toBe(1)
      expect(await dispatcher.runDue()).toBe(0)
      expect(receiver.received).toHaveLength(1)
      const [delivery] = receiver.received
      const [fired] = (await alertEvents()).Events
      expect(delivery!.method).toBe('POST')
      expect(delivery!.path).toBe('/hooks/alerts')
      expect(delivery!.headers['content-type']).toBe('application/json')
      expect(delivery!.headers[WEBHOOK_EVENT_TYPE_HEADER.toLowerCase()]).toBe('alert.fired')
      expect(delivery!.headers[WEBHOOK_EVENT_ID_HEADER.toLowerCase()]).toBe(fired!['EventId'])
      const signature = delivery!.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string
      expect(verifyWebhookSignature(secret, signature, delivery!.body, server.clock.now())).toBe(
        true,
      )
      expect(verifyWebhookSignature('whsec_wrong', signature, delivery!.body, firedAt)).toBe(false)
      const tampered = Buffer.from(delivery!.body.toString().replace('"value":55', '"value":95'))
      expect(verifyWebhookSignature(secret, signature, tampered, firedAt)).toBe(false)
      expect(JSON.parse(delivery!.body.toString())).toStrictEqual({
        id: fired!['EventId'],
        type: 'alert.fired',
        subscriptionId: shared.subscriptionId,
        publisher: 'Sam',
        alert: {
          kind: 'urgentLow',
          type: 'fired',
          at: firedAt,
          since: firedAt,
          value: 55,
          readingTime: firedAt,
          threshold: 55,
        },
      })
      // The acknowledgement and the re-alarm after it go out too.
      expectEmpty(await acknowledge('urgentLow'))
      server.clock.advance(REALARM)
      await reading(45)
      expect(await dispatcher.runDue()).toBe(2)
      // One pass sends its deliveries concurrently: the order of arrival is not promised.
      const types = receiver.received.map((r) => r.headers[WEBHOOK_EVENT_TYPE_HEADER.toLowerCase()])
      expect(types[0]).toBe('alert.fired')
      expect(types.slice(1).sort()).toEqual(['alert.acknowledged', 'alert.realarm'])
      for (const r of receiver.received.slice(1)) {
        const header = r.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string
        expect(verifyWebhookSignature(secret, header, r.body, server.clock.now())).toBe(true)
      }
    })

    it('queues nothing for a deleted webhook, and only the end of the sounding alert for a paused subscription', async () => {
      await setUp()
      const created = await asFollower(
        server,
        follower,
        'Subscriber/CreateWebhook',
        {},
        {
          Url: `${receiver.origin}/hook`,
        },
      )
      const { WebhookId } = created.json as { WebhookId: string }
      expectEmpty(
        await asFollower(server, follower, 'Subscriber/DeleteWebhook', { webhookId: WebhookId }),
      )
      await fallToUrgentLow()
      const dispatcher = backgroundOf(server.app).webhooks
      expect(await dispatcher.runDue()).toBe(0)
      await asFollower(
        server,
        follower,
        'Subscriber/CreateWebhook',
        {},
        { Url: `${receiver.origin}/hook` },
      )
      expectEmpty(
        await asPublisher(server, publisher, 'General/PauseSubscription', {
          subscriptionId: shared.subscriptionId,
        }),
      )
      // The pause ends the sounding urgent low: one `cleared`, then nothing.
      expect(await dispatcher.runDue()).toBe(1)
      for (let i = 0; i < 8; i += 1) await next(45)
      expect(await dispatcher.runDue()).toBe(0)
      expect(receiver.received.map((r) => JSON.parse(r.body.toString()) as unknown)).toEqual([
        expect.objectContaining({
          type: 'alert.cleared',
          alert: expect.objectContaining({ kind: 'urgentLow', reason: 'paused' }) as unknown,
        }),
      ])
    })
  })
})

describe('follower alerts across a restart', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'glucoshare-restart-'))
  })
  afterEach(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** Closes the server and starts another on the same database file and clock; logs in again. */
  async function restart(): Promise<void> {
    const clock = server.clock
    await server.close()
    server = await startTestServer({ dbPath: join(dir, 'glucoshare.db'), clock })
    publisher = { ...publisher, sessionId: await server.login(publisher.account) }
    follower = { ...follower, sessionId: await loginFollower(server, follower.account) }
  }

  it.each([
    { acknowledged: false, realarmAfter: REALARM },
    { acknowledged: true, realarmAfter: 5 * MINUTE + REALARM },
  ])(
    're-alarms at the right time after a restart, without firing again (acknowledged: $acknowledged)',
    async ({ acknowledged, realarmAfter }) => {
      server = await startTestServer({
        dbPath: join(dir, 'glucoshare.db'),
        clock: new ManualClock(),
      })
      await setUp()
      const firedAt = await fallToUrgentLow()
      await next(50)
      if (acknowledged) expectEmpty(await acknowledge('urgentLow'))
      await next(48)
      await next(47)
      await restart()
      // Fresh enough readings: the last one is 10 minutes after the fire.
      server.clock.set(firedAt + 25 * MINUTE)
      await reading(46)
      server.clock.set(firedAt + realarmAfter - 1)
      await runDueChecks()
      const before = acknowledged
        ? ['urgentLow:fired', 'urgentLow:acknowledged']
        : ['urgentLow:fired']
      expect(await history()).toEqual(before)
      server.clock.set(firedAt + realarmAfter)
      expect(await runDueChecks()).toBe(1)
      expect(await history()).toEqual([...before, 'urgentLow:realarm'])
      expect((await alertEvents()).Current).toEqual([
        expect.objectContaining({ FiredAt: firedAt, LastNotifiedAt: firedAt + realarmAfter }),
      ])
      // Another restart at once changes nothing.
      await restart()
      expect(await runDueChecks()).toBe(0)
      await reading(45)
      expect(await history()).toEqual([...before, 'urgentLow:realarm'])
    },
  )
})
