import { afterEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../server/src/test-support.js'
import type { ServerConfig } from '../../server/src/config.js'
import type { Account } from '../../server/src/store/store.js'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH } from './constants.js'
import {
  AccountError,
  AccountLockedError,
  ArgumentError,
  NetworkError,
  ServerError,
  SessionError,
  TimeoutError,
  type ShareError,
} from './errors.js'
import { ShareFollowerClient } from './follower-client.js'
import type { ShareFollowerClientOptions } from './follower-options.js'
import {
  FOLLOWER_PASSWORD,
  MINUTE,
  PUBLISHER_PASSWORD,
  injectFetch,
  invite,
  ok,
  rejection,
  upload,
  type Exchange,
  type Invitation,
} from './test-follower-fixture.js'

const BASE = 'http://glucoshare.test'

let server: TestServer
let log: Exchange[] = []
const running: TestServer[] = []

async function start(config?: ServerConfig): Promise<TestServer> {
  server = await startTestServer(config ? { config } : {})
  running.push(server)
  log = []
  return server
}

afterEach(async () => {
  for (const started of running.splice(0)) await started.close()
})

function client(
  follower: Account,
  options: Partial<ShareFollowerClientOptions> = {},
): ShareFollowerClient {
  return new ShareFollowerClient({
    baseUrl: BASE,
    fetch: injectFetch(server, log),
    accountId: follower.id,
    password: FOLLOWER_PASSWORD,
    ...options,
  })
}

const operations = (): string[] => log.map((exchange) => exchange.operation)

/** Every session id the server handed out or the client sent. */
function sessionIds(): string[] {
  const ids = new Set<string>()
  for (const exchange of log) {
    const sent = exchange.query.get('sessionId')
    if (sent) ids.add(sent)
    if (exchange.operation === 'LoginSubscriberAccount' && exchange.status === 200) {
      ids.add(JSON.parse(exchange.text) as string)
    }
  }
  return [...ids]
}

/** Awaits a rejection and checks that no password, session id or URL leaked into it. */
async function failure(promise: Promise<unknown>): Promise<ShareError> {
  const error = (await rejection(promise)) as ShareError
  const text = `${String(error)} ${error.message} ${error.serverMessage ?? ''} ${error.stack ?? ''}`
  for (const secret of [FOLLOWER_PASSWORD, PUBLISHER_PASSWORD, ...sessionIds()]) {
    expect(text).not.toContain(secret)
  }
  expect(text).not.toContain(BASE)
  return error
}

/** An invitation the follower accepted through the SDK. */
async function following(
  options: Parameters<typeof invite>[1] = {},
): Promise<Invitation & { follower: Account; share: ShareFollowerClient }> {
  const invitation = await invite(server, options)
  const share = client(invitation.follower)
  expect(await share.acceptInvitation(invitation.invitationId)).toBe(invitation.subscriptionId)
  log.length = 0
  return { ...invitation, share }
}

describe('ShareFollowerClient logins and subscriptions', () => {
  it('logs in with LoginSubscriberAccount on first use and lists the accepted subscription', async () => {
    await start()
    const invitation = await invite(server, { displayName: 'Sam', permissions: 0 })
    const share = client(invitation.follower, { accountId: invitation.follower.id.toUpperCase() })
    expect(share.hasSession).toBe(false)
    expect(await share.listSubscriptions()).toEqual([])
    expect(operations()).toEqual(['LoginSubscriberAccount', 'ListSubscriberAccountSubscriptions'])
    expect(JSON.parse(log[0]!.body)).toEqual({
      accountId: invitation.follower.id,
      password: FOLLOWER_PASSWORD,
      applicationId: DEXCOM_APPLICATION_ID,
    })
    expect(share.hasSession).toBe(true)

    expect(await share.acceptInvitation(invitation.invitationId.toUpperCase())).toBe(
      invitation.subscriptionId,
    )
    const [subscription, ...others] = await share.listSubscriptions()
    expect(others).toEqual([])
    expect(subscription).toMatchObject({
      subscriptionId: invitation.subscriptionId,
      contactId: invitation.contactId,
      invitationId: invitation.invitationId,
      displayName: 'Sam',
      isEnabled: true,
      isMonitoringSessionActive: true,
      permissions: 0,
      state: 2,
      subscriberId: invitation.follower.id,
    })
    expect(subscription!.createdAt.getTime()).toBe(server.clock.now())
    expect(subscription!.inviteExpiresAt.getTime()).toBe(server.clock.now() + 7 * 24 * 60 * MINUTE)
    expect(subscription!.raw['SubscriptionId']).toBe(invitation.subscriptionId)
    expect(operations().filter((o) => o === 'LoginSubscriberAccount')).toHaveLength(1)
  })

  it('accepts an invitation again with the same answer, and refuses unknown and expired ones', async () => {
    await start()
    const invitation = await invite(server)
    const share = client(invitation.follower)
    const first = await share.acceptInvitation(invitation.invitationId)
    expect(await share.acceptInvitation(invitation.invitationId)).toBe(first)

    const unknown = await failure(share.acceptInvitation('0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f'))
    expect(unknown).toBeInstanceOf(ArgumentError)
    expect(unknown.code).toBe('InvalidArgument')

    const late = await invite(server, { follower: invitation.follower })
    server.clock.advance(7 * 24 * 60 * MINUTE + 1)
    const expired = await failure(share.acceptInvitation(late.invitationId))
    expect(expired).toBeInstanceOf(ArgumentError)
    expect(expired.code).toBe('InvitationExpired')
    expect(expired.operation).toBe('AcceptSubscriptionInvitation')
    expect(expired.message).toContain('ask for a new one')
  })

  it('logs in by hand with login() and replaces the session', async () => {
    await start()
    const { share } = await following()
    await share.login()
    await share.login()
    expect(operations()).toEqual(['LoginSubscriberAccount', 'LoginSubscriberAccount'])
    expect(JSON.parse(log[0]!.text)).not.toBe(JSON.parse(log[1]!.text))
  })
})

describe('ShareFollowerClient glucose reads', () => {
  it('reads a subscription newest first in the window asked for, and the newest reading alone', async () => {
    await start()
    const invitation = await following()
    await upload(server, invitation, [
      { minutesAgo: 12, value: 110, trend: 4 },
      { minutesAgo: 7, value: 118, trend: 3 },
      { minutesAgo: 2, value: 124, trend: 3 },
    ])
    const readings = await invitation.share.getGlucoseReadings(invitation.subscriptionId, {
      minutes: 10,
      maxCount: 5,
    })
    expect(readings.map((r) => [r.mgDl, r.trendDirection])).toEqual([
      [124, 'FortyFiveUp'],
      [118, 'FortyFiveUp'],
    ])
    expect(readings[0]!.date.getTime()).toBe(server.clock.now() - 2 * MINUTE)
    const read = log.at(-1)!
    expect(read.operation).toBe('ReadSubscriptionLatestGlucoseValues')
    expect(read.method).toBe('POST')
    expect([...read.query.keys()]).toEqual(['sessionId', 'subscriptionId', 'minutes', 'maxCount'])
    expect(read.query.get('subscriptionId')).toBe(invitation.subscriptionId)
    expect(read.body).toBe('{}')

    expect(await invitation.share.getGlucoseReadings(invitation.subscriptionId)).toHaveLength(3)
    const latest = await invitation.share.getLatestGlucoseReading(invitation.subscriptionId)
    expect(latest?.mgDl).toBe(124)
    expect(latest?.mmolL).toBe(6.9)
  })

  it('gets the newest reading only without graph permission, and none while paused', async () => {
    await start()
    const invitation = await following({ permissions: 0 })
    await upload(server, invitation, [
      { minutesAgo: 7, value: 118 },
      { minutesAgo: 2, value: 124 },
    ])
    const { share, subscriptionId } = invitation
    expect((await share.getGlucoseReadings(subscriptionId)).map((r) => r.mgDl)).toEqual([124])
    await ok(server, 'General/PauseSubscription', {
      sessionId: invitation.publisherSession,
      subscriptionId,
    })
    expect(await share.getGlucoseReadings(subscriptionId)).toEqual([])
    expect(await share.getLatestGlucoseReading(subscriptionId)).toBeUndefined()
    expect(await share.getLatestGlucoseReadings([subscriptionId])).toEqual([
      { subscriptionId, reading: undefined },
    ])
    expect((await share.listSubscriptions())[0]!.isEnabled).toBe(false)
  })

  it('reads the newest reading of several subscriptions in one request, in the order asked', async () => {
    await start()
    const first = await following()
    const second = await invite(server, { follower: first.follower })
    const third = await invite(server, { follower: first.follower })
    await first.share.acceptInvitation(second.invitationId)
    await first.share.acceptInvitation(third.invitationId)
    await upload(server, first, [{ minutesAgo: 3, value: 140 }])
    await upload(server, third, [
      { minutesAgo: 8, value: 60 },
      { minutesAgo: 3, value: 55, trend: 6 },
    ])
    log.length = 0
    const latest = await first.share.getLatestGlucoseReadings([
      third.subscriptionId.toUpperCase(),
      second.subscriptionId,
      first.subscriptionId,
    ])
    expect(latest.map((l) => [l.subscriptionId, l.reading?.mgDl])).toEqual([
      [third.subscriptionId, 55],
      [second.subscriptionId, undefined],
      [first.subscriptionId, 140],
    ])
    expect(latest[0]!.reading?.trendDirection).toBe('SingleDown')
    expect(operations()).toEqual(['ReadLastGlucoseFromSubscriptions'])
    expect(JSON.parse(log[0]!.body)).toEqual([
      third.subscriptionId,
      second.subscriptionId,
      first.subscriptionId,
    ])
    const subscriptions = await first.share.listSubscriptions()
    expect(subscriptions.map((s) => s.subscriptionId).sort()).toEqual(
      [first.subscriptionId, second.subscriptionId, third.subscriptionId].sort(),
    )
  })

  it('fails a deleted subscription with SubscriptionDeleted and a foreign one with InvalidArgument', async () => {
    await start()
    const mine = await following()
    const theirs = await invite(server)
    await ok(server, 'Publisher/DeleteContact', {
      sessionId: mine.publisherSession,
      contactId: mine.contactId,
    })
    const deleted = await failure(mine.share.getGlucoseReadings(mine.subscriptionId))
    expect(deleted).toBeInstanceOf(ArgumentError)
    expect(deleted.code).toBe('SubscriptionDeleted')
    expect(deleted.status).toBe(500)
    expect(deleted.message).toBe(
      'ReadSubscriptionLatestGlucoseValues: The publisher removed this follower. (SubscriptionDeleted)',
    )
    const batch = await failure(mine.share.getLatestGlucoseReadings([mine.subscriptionId]))
    expect(batch.code).toBe('SubscriptionDeleted')
    const foreign = await failure(mine.share.getGlucoseReadings(theirs.subscriptionId))
    expect(foreign).toBeInstanceOf(ArgumentError)
    expect(foreign.code).toBe('InvalidArgument')
    expect(await mine.share.listSubscriptions()).toEqual([])
  })

  it('refuses bad subscription ids and windows before any request', async () => {
    await start()
    const { follower } = await invite(server)
    const share = client(follower)
    const cases: [() => Promise<unknown>, string][] = [
      [() => share.getGlucoseReadings('not-a-uuid'), 'SubscriptionIdInvalid'],
      [() => share.getGlucoseReadings(crypto.randomUUID(), { minutes: 1441 }), 'MinutesInvalid'],
      [() => share.getGlucoseReadings(crypto.randomUUID(), { maxCount: 1.5 }), 'MaxCountInvalid'],
      [() => share.getLatestGlucoseReadings([]), 'SubscriptionIdsInvalid'],
      [() => share.getLatestGlucoseReadings(['x']), 'SubscriptionIdsInvalid'],
      [
        () => share.getLatestGlucoseReadings(Array.from({ length: 51 }, () => crypto.randomUUID())),
        'SubscriptionIdsInvalid',
      ],
      [() => share.acceptInvitation(''), 'InvitationIdInvalid'],
      [() => share.getAlertSettings('1234'), 'SubscriptionIdInvalid'],
      [() => share.getAlertEvents(crypto.randomUUID(), { minutes: 43_201 }), 'EventWindowInvalid'],
      [() => share.acknowledgeAlert(crypto.randomUUID(), 'loud' as 'low'), 'AlertKindInvalid'],
      [() => share.deleteWebhook('nope'), 'WebhookIdInvalid'],
      [() => share.createWebhook('ftp://example.org/hook'), 'WebhookUrlInvalid'],
      [() => share.createWebhook('https://user:pw@example.org/hook'), 'WebhookUrlInvalid'],
      [() => share.createWebhook('/relative'), 'WebhookUrlInvalid'],
    ]
    for (const [call, code] of cases) {
      const error = await failure(call())
      expect(error, code).toBeInstanceOf(ArgumentError)
      expect(error.code).toBe(code)
    }
    expect(log).toEqual([])
  })
})

describe('ShareFollowerClient alerts and webhooks', () => {
  const urgentLowNow = {
    FixedLowAlert: { IsEnabled: true, MaxValue: 55, AlarmDelay: 'PT0M', RealarmDelay: 'PT30M' },
  }

  it("reads the invitation's alert settings, then changes only the follower's own", async () => {
    await start()
    const invitation = await following({ alertSettings: urgentLowNow })
    const { share, subscriptionId } = invitation
    const before = await share.getAlertSettings(subscriptionId)
    expect(before.own).toBe(false)
    expect(before.alerts.urgentLow).toEqual({
      enabled: true,
      thresholdMgDl: 55,
      alarmDelayMinutes: 0,
      realarmDelayMinutes: 30,
      sound: 'UrgentLow.wav',
    })
    expect(before.alerts.high).toMatchObject({ enabled: false, thresholdMgDl: 200 })
    expect(before.alerts.noData).toEqual({
      enabled: false,
      alarmDelayMinutes: 60,
      realarmDelayMinutes: 0,
      sound: 'NoData.wav',
    })
    expect(before.alerts.risingFast).toEqual({
      enabled: false,
      rateMgDlPerMinute: 3,
      alarmDelayMinutes: 0,
      realarmDelayMinutes: 0,
    })

    const after = await share.updateAlertSettings(subscriptionId, {
      high: { enabled: true, thresholdMgDl: 250, realarmDelayMinutes: 90 },
      fallingFast: { enabled: true, rateMgDlPerMinute: 2 },
      urgentLowSoon: { enabled: true },
    })
    expect(after.own).toBe(true)
    expect(after.alerts.high).toMatchObject({
      enabled: true,
      thresholdMgDl: 250,
      alarmDelayMinutes: 60,
      realarmDelayMinutes: 90,
    })
    expect(after.alerts.fallingFast).toMatchObject({ enabled: true, rateMgDlPerMinute: 2 })
    expect(after.alerts.urgentLowSoon.enabled).toBe(true)
    expect(after.alerts.urgentLow).toEqual(before.alerts.urgentLow)
    expect(JSON.parse(log.at(-1)!.body)).toEqual({
      AlertSettings: { HighAlert: { IsEnabled: true, MinValue: 250, RealarmDelay: 'PT1H30M' } },
      ExtraAlertSettings: {
        FallingFastAlert: { IsEnabled: true, Rate: 2 },
        UrgentLowSoonAlert: { IsEnabled: true },
      },
    })
    expect(await share.getAlertSettings(subscriptionId)).toEqual(after)
    const publisherView = (await ok(server, 'General/ReadSubscriptionAlerts', {
      sessionId: invitation.publisherSession,
      subscriptionId,
    })) as { HighAlert: { IsEnabled: boolean; MinValue: number } }
    expect(publisherView.HighAlert).toMatchObject({ IsEnabled: false, MinValue: 200 })
  })

  it('refuses alert setting changes that cannot apply, before any request', async () => {
    await start()
    const { share, subscriptionId } = await following()
    const bad = [
      { loud: { enabled: true } },
      { noData: { thresholdMgDl: 100 } },
      { high: { rateMgDlPerMinute: 3 } },
      { risingFast: { sound: 'x.wav' } },
      { low: { thresholdMgDl: 30 } },
      { low: { alarmDelayMinutes: 1441 } },
      { low: { realarmDelayMinutes: 2.5 } },
      { fallingFast: { rateMgDlPerMinute: 9 } },
      { high: { enabled: 'yes' } },
      { high: { volume: 11 } },
    ]
    for (const change of bad) {
      const error = await failure(share.updateAlertSettings(subscriptionId, change as never))
      expect(error).toBeInstanceOf(ArgumentError)
      expect(['AlertKindInvalid', 'AlertSettingsInvalid']).toContain(error.code)
    }
    expect(log).toEqual([])
  })

  it('lists a fired alert, acknowledges it, and refuses to acknowledge one that is not sounding', async () => {
    await start()
    const invitation = await following({ alertSettings: urgentLowNow })
    const { share, subscriptionId } = invitation
    await upload(server, invitation, [{ minutesAgo: 0, value: 50, trend: 6 }])

    const sounding = await share.getAlertEvents(subscriptionId)
    expect(sounding.current).toHaveLength(1)
    expect(sounding.current[0]).toMatchObject({ kind: 'urgentLow', silenced: false })
    expect(sounding.current[0]!.firedAt?.getTime()).toBe(server.clock.now())
    expect(sounding.events).toHaveLength(1)
    expect(sounding.events[0]).toMatchObject({
      subscriptionId,
      kind: 'urgentLow',
      type: 'fired',
      valueMgDl: 50,
      thresholdMgDl: 55,
    })
    expect(sounding.events[0]!.at.getTime()).toBe(server.clock.now())
    expect(sounding.events[0]!.eventId).toMatch(/^[0-9a-f-]{36}$/)

    server.clock.advance(MINUTE)
    await share.acknowledgeAlert(subscriptionId, 'urgentLow')
    const quiet = await share.getAlertEvents(subscriptionId, { minutes: 60 })
    expect(quiet.current[0]).toMatchObject({ kind: 'urgentLow', silenced: true })
    expect(quiet.current[0]!.silencedUntil?.getTime()).toBe(server.clock.now() + 30 * MINUTE)
    expect(quiet.events.map((e) => e.type)).toEqual(['acknowledged', 'fired'])
    expect(quiet.events[0]!.silencedUntil?.getTime()).toBe(server.clock.now() + 30 * MINUTE)
    expect(log.at(-1)!.query.get('minutes')).toBe('60')

    const notSounding = await failure(share.acknowledgeAlert(subscriptionId, 'high'))
    expect(notSounding).toBeInstanceOf(ArgumentError)
    expect(notSounding.code).toBe('AlertNotActive')
    expect(notSounding.operation).toBe('AcknowledgeAlert')
    server.clock.advance(MINUTE)
    expect((await share.getAlertEvents(subscriptionId, { minutes: 0 })).events).toEqual([])
  })

  it('creates, lists and deletes webhooks; the secret is shown once', async () => {
    await start()
    const { share } = await following()
    const created = await share.createWebhook(new URL('https://hooks.example.org/glucose'))
    expect(created.url).toBe('https://hooks.example.org/glucose')
    expect(created.secret).toMatch(/^whsec_/)
    expect(created.createdAt.getTime()).toBe(server.clock.now())
    expect(JSON.parse(log.at(-1)!.body)).toEqual({ Url: 'https://hooks.example.org/glucose' })
    const listed = await share.listWebhooks()
    expect(listed).toEqual([
      { webhookId: created.webhookId, url: created.url, createdAt: created.createdAt },
    ])
    expect(JSON.stringify(listed)).not.toContain(created.secret)
    await share.deleteWebhook(created.webhookId.toUpperCase())
    expect(await share.listWebhooks()).toEqual([])
    const again = await failure(share.deleteWebhook(created.webhookId))
    expect(again).toBeInstanceOf(ArgumentError)
    expect(again.code).toBe('InvalidArgument')
  })
})

describe('ShareFollowerClient sessions and error families', () => {
  it('logs in again once and returns the data when the session expires between reads', async () => {
    await start({ sessionTtlMs: 60 * MINUTE })
    const invitation = await following()
    await upload(server, invitation, [{ minutesAgo: 1, value: 101 }])
    const { share, subscriptionId } = invitation
    expect((await share.getLatestGlucoseReading(subscriptionId))?.mgDl).toBe(101)
    const first = log.at(-1)!.query.get('sessionId')

    server.clock.advance(61 * MINUTE)
    log.length = 0
    const readings = await share.getGlucoseReadings(subscriptionId)
    expect(readings.map((r) => r.mgDl)).toEqual([101])
    expect(log.map((e) => [e.operation, e.status])).toEqual([
      ['ReadSubscriptionLatestGlucoseValues', 500],
      ['LoginSubscriberAccount', 200],
      ['ReadSubscriptionLatestGlucoseValues', 200],
    ])
    expect(JSON.parse(log[0]!.text).Code).toBe('SessionNotValid')
    expect(log[0]!.query.get('sessionId')).toBe(first)
    expect(log[2]!.query.get('sessionId')).toBe(JSON.parse(log[1]!.text))
    expect(log[2]!.query.get('sessionId')).not.toBe(first)
  })

  it('logs in again once when the server no longer knows the session', async () => {
    await start()
    const { share } = await following()
    await share.listWebhooks()
    await server.store.purgeSessions(Number.MAX_SAFE_INTEGER)
    log.length = 0
    expect(await share.listWebhooks()).toEqual([])
    expect(log.map((e) => [e.operation, e.status])).toEqual([
      ['ListWebhooks', 500],
      ['LoginSubscriberAccount', 200],
      ['ListWebhooks', 200],
    ])
    expect(JSON.parse(log[0]!.text).Code).toBe('SessionIdNotFound')
  })

  it('retries only once: a second session fault reaches the caller as a SessionError', async () => {
    await start({ sessionTtlMs: 0 })
    const { account: follower } = await server.addAccount({
      kind: 'follower',
      password: FOLLOWER_PASSWORD,
    })
    const error = await failure(client(follower).listSubscriptions())
    expect(error).toBeInstanceOf(SessionError)
    expect(error.code).toBe('SessionNotValid')
    expect(error.operation).toBe('ListSubscriberAccountSubscriptions')
    expect(operations()).toEqual([
      'LoginSubscriberAccount',
      'ListSubscriberAccountSubscriptions',
      'LoginSubscriberAccount',
      'ListSubscriberAccountSubscriptions',
    ])
  })

  it("fails a wrong password or a publisher's credentials with an AccountError, never retried", async () => {
    await start()
    const { follower, publisher } = await invite(server)
    const wrong = await failure(client(follower, { password: 'wrong-passphrase' }).login())
    expect(wrong).toBeInstanceOf(AccountError)
    expect(wrong).not.toBeInstanceOf(AccountLockedError)
    expect(wrong.code).toBe('AccountPasswordInvalid')
    expect(wrong.operation).toBe('LoginSubscriberAccount')
    expect(wrong.message).toContain('follower’s account id and password')
    expect(wrong.message).not.toContain('wrong-passphrase')
    const publisherLogin = await failure(
      client(publisher, { password: PUBLISHER_PASSWORD }).listSubscriptions(),
    )
    expect(publisherLogin.code).toBe('AccountPasswordInvalid')
    expect(operations()).toEqual(['LoginSubscriberAccount', 'LoginSubscriberAccount'])
  })

  it('reports a lockout as AccountLockedError, even for the right password', async () => {
    await start({ lockoutMaxAttempts: 2 })
    const { follower } = await invite(server)
    const wrong = client(follower, { password: 'wrong-passphrase' })
    expect((await failure(wrong.login())).code).toBe('AccountPasswordInvalid')
    const locked = await failure(wrong.login())
    expect(locked).toBeInstanceOf(AccountLockedError)
    const right = await failure(client(follower).listSubscriptions())
    expect(right).toBeInstanceOf(AccountLockedError)
    expect(right.code).toBe('SSO_AuthenticateMaxAttemptsExceeed')
  })

  it('answers ServerErrors for a missing endpoint, a failing server and a non-Share answer', async () => {
    await start()
    const { follower } = await invite(server)
    const nowhere = await failure(
      client(follower, { baseUrl: `${BASE}/ShareWebServices/Nope` }).login(),
    )
    expect(nowhere).toBeInstanceOf(ServerError)
    expect(nowhere.code).toBe('EndpointNotFound')

    const share = client(follower)
    await share.login()
    const real = injectFetch(server, log)
    const odd = client(follower, {
      fetch: async (input, init) =>
        String(input).includes('/ListSubscriberAccountSubscriptions')
          ? new Response('{"Value":100}', { status: 200 })
          : real(input, init),
    })
    const invalid = await failure(odd.listSubscriptions())
    expect(invalid).toBeInstanceOf(ServerError)
    expect(invalid.code).toBe('InvalidResponse')

    await server.store.close()
    const broken = await failure(share.listSubscriptions())
    expect(broken).toBeInstanceOf(ServerError)
    expect(['InternalError', 'ServiceUnavailable']).toContain(broken.code)
  })

  it('answers a NetworkError when fetch fails and a TimeoutError when nothing answers', async () => {
    await start()
    const { follower } = await invite(server)
    const down = await failure(
      client(follower, {
        fetch: () =>
          Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })),
      }).login(),
    )
    expect(down).toBeInstanceOf(NetworkError)
    expect(down.code).toBe('NetworkError')
    const silent = await failure(
      client(follower, {
        timeoutMs: 20,
        fetch: () => new Promise<Response>(() => undefined),
      }).login(),
    )
    expect(silent).toBeInstanceOf(TimeoutError)
    expect(silent.code).toBe('Timeout')
    const controller = new AbortController()
    const pending = client(follower, { fetch: () => new Promise<Response>(() => undefined) }).login(
      {
        signal: controller.signal,
      },
    )
    controller.abort(new Error('stopped by the test'))
    expect((await rejection(pending)).message).toBe('stopped by the test')
  })

  it('refuses options it cannot use', () => {
    const make = (options: Partial<ShareFollowerClientOptions>) => () =>
      new ShareFollowerClient({
        accountId: crypto.randomUUID(),
        password: FOLLOWER_PASSWORD,
        ...options,
      } as ShareFollowerClientOptions)
    expect(make({ accountId: 'bob' })).toThrow(ArgumentError)
    expect(make({ accountId: undefined as unknown as string })).toThrow(/AccountIdInvalid/)
    expect(make({ username: 'bob' } as never)).toThrow(/not by username/)
    expect(make({ password: '' })).toThrow(/PasswordRequired/)
    expect(make({ baseUrl: 'ftp://x' })).toThrow(/BaseUrlInvalid/)
    expect(make({ timeoutMs: -1 })).toThrow(RangeError)
    const ok = make({
      accountId: crypto.randomUUID().replace(/-/g, ''),
      baseUrl: 'https://x.org',
    })()
    expect(ok.baseUrl).toBe(`https://x.org${DEXCOM_SERVICES_PATH}`)
  })
})
