/**
Fixtures of the follower-side tests: publishers who invite, followers who accept, uploads, and
calls with a follower's session. Not part of the build.
*/
import { expect } from 'vitest'
import { DEXCOM_APPLICATION_ID } from '@glucoshare/sdk'
import { egvBody, type CallResult, type TestServer } from '../../test-support.js'
import type { Account } from '../../store/store.js'

export const MINUTE = 60_000
export const LOWER_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
export const ZERO_ID = '00000000-0000-0000-0000-000000000000'
export const NOT_YOURS = 'No such subscription for this account.'

/** A publisher with a session, an active monitoring session and a receiver. */
export interface Publisher {
  readonly account: Account
  readonly sessionId: string
  readonly serial: string
}

/** A follower account with a session. */
export interface Follower {
  readonly account: Account
  readonly sessionId: string
}

/** What a publisher's invitation created. */
export interface Invitation {
  readonly contactId: string
  readonly subscriptionId: string
  readonly invitationId: string
}

/** One alert object of an invitation, as clients send it. */
export interface WireAlert {
  AlertType: number
  IsEnabled: boolean
  MinValue: number
  MaxValue: number
  AlarmDelay: string
  RealarmDelay: string
  Sound: string
}

export function wireAlert(
  type: number,
  min: number,
  max: number,
  delay: string,
  realarm: string,
  sound: string,
  enabled = false,
): WireAlert {
  return {
    AlertType: type,
    IsEnabled: enabled,
    MinValue: min,
    MaxValue: max,
    AlarmDelay: delay,
    RealarmDelay: realarm,
    Sound: sound,
  }
}

/** xDrip+'s invitation alerts (spec §4.6), every one off. */
export const XDRIP_ALERTS = {
  HighAlert: wireAlert(1, 200, 401, 'PT1H', 'PT2H', 'High.wav'),
  LowAlert: wireAlert(2, 39, 70, 'PT30M', 'PT2H', 'Low.wav'),
  FixedLowAlert: wireAlert(3, 39, 55, 'PT0M', 'PT30M', 'UrgentLow.wav'),
  NoDataAlert: wireAlert(4, 39, 401, 'PT1H', 'PT0M', 'NoData.wav'),
}

/** The glucoshare-only alerts as answered while the invitation's settings apply: all off. */
export const DEFAULT_EXTRA_WIRE = {
  RisingFastAlert: { IsEnabled: false, Rate: 3, AlarmDelay: 'PT0M', RealarmDelay: 'PT0M' },
  FallingFastAlert: { IsEnabled: false, Rate: 3, AlarmDelay: 'PT0M', RealarmDelay: 'PT0M' },
  UrgentLowSoonAlert: { IsEnabled: false, AlarmDelay: 'PT0M', RealarmDelay: 'PT30M' },
}

/** An invitation body: xDrip+'s alerts with urgent low (55, PT0M, re-alarm PT30M) on. */
export const URGENT_LOW_INVITATION = {
  AlertSettings: {
    ...XDRIP_ALERTS,
    FixedLowAlert: { ...XDRIP_ALERTS.FixedLowAlert, IsEnabled: true },
  },
  Permissions: 1,
  DisplayName: 'Sam',
}

/** Logs a follower in with General/LoginSubscriberAccount and answers the session id. */
export async function loginFollower(
  server: TestServer,
  account: Account,
  password = 'correct horse',
): Promise<string> {
  const result = await server.call('General/LoginSubscriberAccount', {
    body: { accountId: account.id, password, applicationId: DEXCOM_APPLICATION_ID },
  })
  expect(result.status, result.text).toBe(200)
  return result.json as string
}

/** A new follower account, logged in. */
export async function addFollower(server: TestServer): Promise<Follower> {
  const { account } = await server.addAccount({ kind: 'follower' })
  return { account, sessionId: await loginFollower(server, account) }
}

let receivers = 0

/** A new publisher that can upload, with a receiver of its own (so several can upload). */
export async function addPublisher(server: TestServer): Promise<Publisher> {
  receivers += 1
  const { account } = await server.addAccount({ displayName: `Publisher ${receivers}` })
  const sessionId = await server.login(account)
  const serial = `SM${String(receivers).padStart(8, '0')}`
  const started = await server.call('Publisher/StartRemoteMonitoringSession', {
    query: { sessionId, serialNumber: serial },
  })
  expect(started.status, started.text).toBe(200)
  return { account, sessionId, serial }
}

let contacts = 0

/** The publisher creates a contact and invites it; answers the ids (the invitation's too). */
export async function invite(
  server: TestServer,
  publisher: Publisher,
  body: unknown = { Permissions: 1 },
): Promise<Invitation> {
  contacts += 1
  const sessionId = publisher.sessionId
  const contact = await server.call('Publisher/CreateContact', {
    query: {
      sessionId,
      contactName: `Contact ${contacts}`,
      emailAddress: `c${contacts}@example.test`,
    },
  })
  expect(contact.status, contact.text).toBe(200)
  const contactId = contact.json as string
  const created = await server.call('Publisher/CreateSubscriptionInvitation', {
    query: { sessionId, contactId },
    body,
  })
  expect(created.status, created.text).toBe(200)
  const subscriptionId = created.json as string
  const inviteId = await server.call('Publisher/ReadSubscriptionInviteId', {
    query: { sessionId, subscriptionId },
  })
  expect(inviteId.status, inviteId.text).toBe(200)
  return { contactId, subscriptionId, invitationId: inviteId.json as string }
}

/** Subscriber/AcceptSubscriptionInvitation as the follower. */
export function accept(
  server: TestServer,
  follower: Follower,
  invitationId: string,
): Promise<CallResult> {
  return server.call('Subscriber/AcceptSubscriptionInvitation', {
    query: { sessionId: follower.sessionId, invitationId },
  })
}

/** The publisher invites the follower and the follower accepts. */
export async function share(
  server: TestServer,
  publisher: Publisher,
  follower: Follower,
  body?: unknown,
): Promise<Invitation> {
  const invitation = await invite(server, publisher, body)
  const accepted = await accept(server, follower, invitation.invitationId)
  expect(accepted.status, accepted.text).toBe(200)
  expect(accepted.json).toBe(invitation.subscriptionId)
  return invitation
}

/** Uploads readings `minutesAgo` before the server clock; asserts the empty 200. */
export async function upload(
  server: TestServer,
  publisher: Publisher,
  readings: readonly { minutesAgo: number; value: number; trend?: number }[],
): Promise<void> {
  const result = await server.call('Publisher/PostReceiverEgvRecords', {
    query: { sessionId: publisher.sessionId },
    body: egvBody(publisher.serial, server.clock.now(), readings),
  })
  expect(result.status, result.text).toBe(200)
}

/** The publisher calls a publisher operation with a subscription id (pause, resume …). */
export async function asPublisher(
  server: TestServer,
  publisher: Publisher,
  operation: string,
  query: Record<string, string | number>,
): Promise<CallResult> {
  return server.call(operation, { query: { sessionId: publisher.sessionId, ...query } })
}

/** Calls a follower operation with the follower's session. */
export function asFollower(
  server: TestServer,
  follower: Follower | string,
  operation: string,
  query: Record<string, string | number> = {},
  body?: unknown,
): Promise<CallResult> {
  const sessionId = typeof follower === 'string' ? follower : follower.sessionId
  return server.call(operation, {
    query: { sessionId, ...query },
    ...(body === undefined ? {} : { body }),
  })
}

/** The EGV object the read endpoints answer for a reading uploaded by {@link upload}. */
export function wireEgv(systemTime: number, value: number, trend = 'Flat') {
  return {
    WT: `Date(${systemTime})`,
    ST: `Date(${systemTime})`,
    DT: `Date(${systemTime}+0000)`,
    Value: value,
    Trend: trend,
  }
}

/** The system time {@link upload} gives a reading `minutesAgo` before `now`. */
export function readingTime(now: number, minutesAgo: number): number {
  return Math.floor((now - minutesAgo * MINUTE) / 1000) * 1000
}

/** Whether a JSON value holds a glucose reading anywhere (an EGV, or an alert with a value). */
export function holdsReading(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsReading)
  if (typeof value !== 'object' || value === null) return false
  const keys = Object.keys(value)
  if (keys.some((key) => ['Value', 'Egv', 'ST', 'WT', 'DT', 'value'].includes(key))) return true
  return Object.values(value).some(holdsReading)
}
