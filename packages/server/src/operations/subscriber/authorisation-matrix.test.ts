/**
The authorisation matrix of the follower side: every follower endpoint, called by every kind of
caller that must not get (all of) the data, is refused with the right fault or answers what the
documented rule allows, and no refused answer holds a reading.
*/
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { startTestServer, type CallResult, type TestServer } from '../../test-support.js'
import { expectEmpty, expectFault } from '../../test-expect.js'
import {
  MINUTE,
  NOT_YOURS,
  URGENT_LOW_INVITATION,
  addFollower,
  addPublisher,
  asFollower,
  asPublisher,
  holdsReading,
  invite,
  readingTime,
  share,
  upload,
  wireEgv,
  type Follower,
  type Invitation,
  type Publisher,
} from './test-follower-fixture.js'

/** Who calls, with which ids. */
interface Caller {
  /** `undefined`: no session id at all. */
  readonly sessionId: string | undefined
  readonly subscriptionId: string
  readonly invitationId: string
  readonly webhookId: string
}

type SessionScenario = 'no session' | 'own publisher' | 'other publisher' | 'expired session'
type AccessScenario = 'other follower' | 'pending' | 'paused' | 'deleted' | 'permission 0'
type Scenario = SessionScenario | AccessScenario

type Expectation =
  | { readonly fault: string; readonly status?: number; readonly message?: string }
  /** Allowed: `check` says what the answer may hold. */
  | { readonly ok: (result: CallResult) => void }

interface Endpoint {
  readonly name: string
  readonly call: (caller: Caller) => Promise<CallResult>
  /** What each access scenario answers; a scenario left out does not apply to the endpoint. */
  readonly access: Partial<Record<AccessScenario, Expectation>>
}

/** The newest of the publisher's readings (the trace below, newest first). */
const TRACE = [50, 62, 75, 88, 101, 114, 127, 140, 153, 166, 179, 192]

let server: TestServer
let publisher: Publisher
let otherPublisher: Publisher
let follower: Follower
let otherFollower: Follower
const subscriptions = {} as Record<
  'active' | 'paused' | 'deleted' | 'permission0' | 'other',
  Invitation
>
let pending: Invitation
let expiredSessionId: string
let webhookId: string
let otherWebhookId: string
const followers = {} as Record<'paused' | 'deleted' | 'permission0', Follower>

beforeAll(async () => {
  server = await startTestServer()
  publisher = await addPublisher(server)
  otherPublisher = await addPublisher(server)
  follower = await addFollower(server)
  otherFollower = await addFollower(server)
  followers.paused = await addFollower(server)
  followers.deleted = await addFollower(server)
  followers.permission0 = await addFollower(server)
  subscriptions.active = await share(server, publisher, follower, URGENT_LOW_INVITATION)
  subscriptions.paused = await share(server, publisher, followers.paused)
  subscriptions.deleted = await share(server, publisher, followers.deleted)
  subscriptions.permission0 = await share(server, publisher, followers.permission0, {
    Permissions: 0,
  })
  subscriptions.other = await share(server, otherPublisher, otherFollower)
  pending = await invite(server, publisher)
  // The trace ends below 55: the follower's urgent low is sounding, with a value in its events.
  await upload(
    server,
    publisher,
    TRACE.map((value, i) => ({ minutesAgo: i * 5, value })),
  )
  await upload(server, otherPublisher, [{ minutesAgo: 1, value: 222 }])
  expectEmpty(
    await asPublisher(server, publisher, 'General/PauseSubscription', {
      subscriptionId: subscriptions.paused.subscriptionId,
    }),
  )
  expectEmpty(
    await asPublisher(server, publisher, 'Publisher/DeleteContact', {
      contactId: subscriptions.deleted.contactId,
    }),
  )
  const hook = await asFollower(
    server,
    follower,
    'Subscriber/CreateWebhook',
    {},
    {
      Url: 'https://hooks.example.test/mine',
    },
  )
  webhookId = (hook.json as { WebhookId: string }).WebhookId
  const otherHook = await asFollower(
    server,
    otherFollower,
    'Subscriber/CreateWebhook',
    {},
    {
      Url: 'https://hooks.example.test/theirs',
    },
  )
  otherWebhookId = (otherHook.json as { WebhookId: string }).WebhookId
  // A session of the follower that ran out a minute ago.
  expiredSessionId = randomUUID()
  const now = server.clock.now()
  await server.store.createSession({
    id: expiredSessionId,
    accountKey: follower.account.key,
    createdAt: now - 24 * 60 * MINUTE - MINUTE,
    expiresAt: now - MINUTE,
  })
})

afterAll(async () => {
  await server.close()
})

function callerFor(scenario: Scenario): Caller {
  const mine = {
    subscriptionId: subscriptions.active.subscriptionId,
    invitationId: subscriptions.active.invitationId,
    webhookId,
  }
  const own = (who: Follower, s: Invitation): Caller => ({
    sessionId: who.sessionId,
    subscriptionId: s.subscriptionId,
    invitationId: s.invitationId,
    webhookId: randomUUID(),
  })
  switch (scenario) {
    case 'no session':
      return { sessionId: undefined, ...mine }
    case 'own publisher':
      return { sessionId: publisher.sessionId, ...mine }
    case 'other publisher':
      return { sessionId: otherPublisher.sessionId, ...mine }
    case 'expired session':
      return { sessionId: expiredSessionId, ...mine }
    case 'other follower':
      // Someone who follows another publisher, trying this follower's ids.
      return { sessionId: otherFollower.sessionId, ...mine }
    case 'pending':
      return { ...own(follower, pending), webhookId }
    case 'paused':
      return own(followers.paused, subscriptions.paused)
    case 'deleted':
      return own(followers.deleted, subscriptions.deleted)
    case 'permission 0':
      return own(followers.permission0, subscriptions.permission0)
  }
}

function call(
  caller: Caller,
  operation: string,
  query: Record<string, string | number> = {},
  body?: unknown,
): Promise<CallResult> {
  return server.call(operation, {
    query: { ...(caller.sessionId === undefined ? {} : { sessionId: caller.sessionId }), ...query },
    ...(body === undefined ? {} : { body }),
  })
}

const notYours: Expectation = { fault: 'InvalidArgument', message: NOT_YOURS }
const deleted: Expectation = { fault: 'SubscriptionDeleted' }
const okWithout = (check: (json: unknown) => void): Expectation => ({
  ok: (result) => {
    expect(result.status, result.text).toBe(200)
    expect(holdsReading(result.json)).toBe(false)
    check(result.json)
  },
})
const subscriptionIdsOf = (json: unknown) =>
  (json as { SubscriptionId: string }[]).map((s) => s.SubscriptionId)
/** The newest reading only: what Permissions 0 allows. */
const newestOnly = () => wireEgv(readingTime(server.clock.now(), 0), TRACE[0]!)
const noEvents = okWithout((json) => expect(json).toEqual({ Current: [], Events: [] }))
const settingsAnswer = okWithout((json) =>
  expect(Object.keys(json as object).sort()).toEqual([
    'AlertSettings',
    'ExtraAlertSettings',
    'IsOwn',
  ]),
)

const endpoints: Endpoint[] = [
  {
    name: 'ListSubscriberAccountSubscriptions',
    call: (c) => call(c, 'Subscriber/ListSubscriberAccountSubscriptions'),
    access: {
      'other follower': okWithout((json) =>
        expect(subscriptionIdsOf(json)).toEqual([subscriptions.other.subscriptionId]),
      ),
      pending: okWithout((json) =>
        expect(subscriptionIdsOf(json)).toEqual([subscriptions.active.subscriptionId]),
      ),
      paused: okWithout((json) =>
        expect(json).toEqual([
          expect.objectContaining({
            SubscriptionId: subscriptions.paused.subscriptionId,
            IsEnabled: false,
          }),
        ]),
      ),
      deleted: okWithout((json) => expect(json).toEqual([])),
      'permission 0': okWithout((json) =>
        expect(json).toEqual([
          expect.objectContaining({
            SubscriptionId: subscriptions.permission0.subscriptionId,
            Permissions: 0,
          }),
        ]),
      ),
    },
  },
  {
    name: 'ReadSubscriptionLatestGlucoseValues',
    call: (c) =>
      call(c, 'Subscriber/ReadSubscriptionLatestGlucoseValues', {
        subscriptionId: c.subscriptionId,
        minutes: 1440,
        maxCount: 288,
      }),
    access: {
      'other follower': notYours,
      pending: notYours,
      paused: okWithout((json) => expect(json).toEqual([])),
      deleted,
      'permission 0': {
        ok: (result) => expect(result.json).toEqual([newestOnly()]),
      },
    },
  },
  {
    name: 'ReadLastGlucoseFromSubscriptions',
    call: (c) => call(c, 'Subscriber/ReadLastGlucoseFromSubscriptions', {}, [c.subscriptionId]),
    access: {
      'other follower': notYours,
      pending: notYours,
      paused: okWithout((json) => expect(json).toEqual([])),
      deleted,
      'permission 0': {
        ok: (result) =>
          expect(result.json).toEqual([
            { SubscriptionId: subscriptions.permission0.subscriptionId, Egv: newestOnly() },
          ]),
      },
    },
  },
  {
    name: 'AcceptSubscriptionInvitation',
    call: (c) =>
      call(c, 'Subscriber/AcceptSubscriptionInvitation', { invitationId: c.invitationId }),
    access: {
      'other follower': { fault: 'InvalidArgument', message: 'No such invitation.' },
      // Accepting again as the same follower answers the id, nothing more.
      paused: okWithout((json) => expect(json).toBe(subscriptions.paused.subscriptionId)),
      deleted: { fault: 'InvalidArgument', message: 'No such invitation.' },
      'permission 0': okWithout((json) =>
        expect(json).toBe(subscriptions.permission0.subscriptionId),
      ),
    },
  },
  {
    name: 'ReadSubscriptionAlertSettings',
    call: (c) =>
      call(c, 'Subscriber/ReadSubscriptionAlertSettings', { subscriptionId: c.subscriptionId }),
    access: {
      'other follower': notYours,
      pending: notYours,
      paused: settingsAnswer,
      deleted,
      'permission 0': settingsAnswer,
    },
  },
  {
    name: 'UpdateSubscriptionAlertSettings',
    call: (c) =>
      call(
        c,
        'Subscriber/UpdateSubscriptionAlertSettings',
        { subscriptionId: c.subscriptionId },
        { AlertSettings: { HighAlert: { IsEnabled: true } } },
      ),
    access: {
      'other follower': notYours,
      pending: notYours,
      paused: settingsAnswer,
      deleted,
      'permission 0': settingsAnswer,
    },
  },
  {
    name: 'ReadAlertEvents',
    call: (c) => call(c, 'Subscriber/ReadAlertEvents', { subscriptionId: c.subscriptionId }),
    access: {
      'other follower': notYours,
      pending: notYours,
      paused: noEvents,
      deleted,
      'permission 0': noEvents,
    },
  },
  {
    name: 'AcknowledgeAlert',
    call: (c) =>
      call(c, 'Subscriber/AcknowledgeAlert', {
        subscriptionId: c.subscriptionId,
        kind: 'urgentLow',
      }),
    access: {
      'other follower': notYours,
      pending: notYours,
      paused: { fault: 'AlertNotActive' },
      deleted,
      'permission 0': { fault: 'AlertNotActive' },
    },
  },
  {
    name: 'CreateWebhook',
    call: (c) => call(c, 'Subscriber/CreateWebhook', {}, { Url: 'https://evil.example.test/' }),
    access: {},
  },
  {
    name: 'ListWebhooks',
    call: (c) => call(c, 'Subscriber/ListWebhooks'),
    access: {
      'other follower': okWithout((json) =>
        expect(json).toEqual([expect.objectContaining({ WebhookId: otherWebhookId })]),
      ),
    },
  },
  {
    name: 'DeleteWebhook',
    call: (c) => call(c, 'Subscriber/DeleteWebhook', { webhookId: c.webhookId }),
    access: {
      'other follower': { fault: 'InvalidArgument', message: 'No such webhook for this account.' },
    },
  },
  {
    name: 'StreamEvents',
    // Only refusals are tried here: an accepted stream stays open (follower-alerts.test.ts).
    call: async (c) => {
      const query = c.sessionId === undefined ? '' : `?sessionId=${c.sessionId}`
      const response = await server.app.inject({
        method: 'GET',
        url: `${DEXCOM_SERVICES_PATH}/Subscriber/StreamEvents${query}`,
      })
      let json: unknown
      try {
        json = JSON.parse(response.body)
      } catch {
        json = undefined
      }
      return { status: response.statusCode, headers: response.headers, text: response.body, json }
    },
    access: {},
  },
]

const SESSION_FAULTS: Record<SessionScenario, Expectation> = {
  'no session': { fault: 'InvalidArgument', status: 400, message: 'sessionId is required.' },
  'own publisher': { fault: 'SessionIdNotFound' },
  'other publisher': { fault: 'SessionIdNotFound' },
  'expired session': { fault: 'SessionNotValid' },
}

const rows = endpoints.flatMap((endpoint) => [
  ...(Object.keys(SESSION_FAULTS) as SessionScenario[]).map((scenario) => ({
    endpoint: endpoint.name,
    scenario: scenario as Scenario,
    expectation: SESSION_FAULTS[scenario],
  })),
  ...(Object.entries(endpoint.access) as [AccessScenario, Expectation][]).map(
    ([scenario, expectation]) => ({
      endpoint: endpoint.name,
      scenario: scenario as Scenario,
      expectation,
    }),
  ),
])

describe('follower authorisation matrix', () => {
  it('lets the follower themself read their data (the control row)', async () => {
    const mine = callerFor('pending')
    const latest = await call(mine, 'Subscriber/ReadSubscriptionLatestGlucoseValues', {
      subscriptionId: subscriptions.active.subscriptionId,
      minutes: 1440,
      maxCount: 288,
    })
    expect(latest.json).toHaveLength(TRACE.length)
    const events = await call(mine, 'Subscriber/ReadAlertEvents', {
      subscriptionId: subscriptions.active.subscriptionId,
    })
    expect(events.json).toMatchObject({
      Current: [{ Kind: 'urgentLow', Silenced: false }],
      Events: [{ Kind: 'urgentLow', Type: 'fired', Value: 50 }],
    })
  })

  it.each(rows)('$endpoint: $scenario', async ({ endpoint, scenario, expectation }) => {
    const result = await endpoints.find((e) => e.name === endpoint)!.call(callerFor(scenario))
    if ('fault' in expectation) {
      const body = expectFault(result, expectation.fault, expectation.status ?? 500)
      if (expectation.message !== undefined) expect(body['Message']).toBe(expectation.message)
      expect(holdsReading(result.json)).toBe(false)
      for (const value of TRACE) expect(result.text).not.toContain(`"Value":${value}`)
    } else {
      expectation.ok(result)
    }
  })

  it('changed nothing of the follower’s by the refused calls', async () => {
    const mine = callerFor('pending')
    const events = await call(mine, 'Subscriber/ReadAlertEvents', {
      subscriptionId: subscriptions.active.subscriptionId,
    })
    // Still sounding and not acknowledged by anyone.
    expect(events.json).toMatchObject({
      Current: [{ Kind: 'urgentLow', AcknowledgedAt: null, Silenced: false }],
      Events: [{ Type: 'fired' }],
    })
    expect((events.json as { Events: unknown[] }).Events).toHaveLength(1)
    const settings = await call(mine, 'Subscriber/ReadSubscriptionAlertSettings', {
      subscriptionId: subscriptions.active.subscriptionId,
    })
    expect(settings.json).toMatchObject({ IsOwn: false })
    const hooks = await call(mine, 'Subscriber/ListWebhooks')
    expect(hooks.json).toEqual([expect.objectContaining({ WebhookId: webhookId })])
    // The other follower still has theirs, and nobody could create webhooks without a session.
    const theirs = await asFollower(server, otherFollower, 'Subscriber/ListWebhooks')
    expect(theirs.json).toEqual([expect.objectContaining({ WebhookId: otherWebhookId })])
    const accepted = await asPublisher(
      server,
      publisher,
      'Publisher/ListPublisherAccountSubscriptions',
      {},
    )
    expect(accepted.json).toContainEqual(
      expect.objectContaining({ SubscriptionId: pending.subscriptionId, State: 1 }),
    )
  })

  it('refuses a real login session once it expires, with SessionNotValid', async () => {
    server.clock.advance(24 * 60 * MINUTE)
    const result = await asFollower(
      server,
      follower,
      'Subscriber/ListSubscriberAccountSubscriptions',
    )
    expectFault(result, 'SessionNotValid')
  })
})
