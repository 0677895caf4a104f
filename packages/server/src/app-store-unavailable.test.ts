/**
A database that cannot be reached: every request that needs it answers HTTP 503 with Share's fault
envelope, Code `ServiceUnavailable` and `Retry-After`, instead of the generic 500; the server
serves again as soon as the store does. The store is a real SQLite file, behind a switch that makes
every call fail as a lost database does, or locked for real by a second connection.
*/
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEXCOM_APPLICATION_ID, DEXCOM_SERVICES_PATH, SHARE_FAULTS } from '@glucoshare/sdk'
import { createApp, type App } from './app.js'
import { createAccount } from './accounts/create-account.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'
import { StoreUnavailableError, type Account, type Store } from './store/store.js'
import { ManualClock, egvBody, type CallOptions, type CallResult } from './test-support.js'
import { expectEmpty, expectFault } from './test-expect.js'

const PASSWORD = 'test-passphrase-not-secret'
const SERIAL = 'SM11112222'
const READ = 'Publisher/ReadPublisherLatestGlucoseValues'
const UPLOAD = 'Publisher/PostReceiverEgvRecords'
// What a PostgreSQL driver says when the database is gone; none of it may reach a client.
const DRIVER_MESSAGE = 'connect ECONNREFUSED 127.0.0.1:5432'

/** A real store whose every call can be made to fail with `failure`, as a lost database does. */
function switchable(inner: Store): { store: Store; fail(failure: Error | undefined): void } {
  let failure: Error | undefined
  const store = new Proxy(inner, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target)
      if (typeof value !== 'function' || property === 'close') return value
      return (...args: unknown[]) =>
        failure ? Promise.reject(failure) : Reflect.apply(value, target, args)
    },
  })
  return {
    store,
    fail(next) {
      failure = next
    },
  }
}

interface Fixture {
  readonly app: App
  readonly sqlite: SqliteStore
  readonly dbPath: string
  readonly clock: ManualClock
  readonly fail: (failure: Error | undefined) => void
  readonly account: Account
}

let dir = ''
let fixture: Fixture

async function open(busyTimeoutMs?: number): Promise<Fixture> {
  const dbPath = join(dir, 'glucoshare.db')
  const sqlite = new SqliteStore({
    path: dbPath,
    ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }),
  })
  await sqlite.migrate()
  const clock = new ManualClock()
  const { store, fail } = switchable(sqlite)
  const app = await createApp({ store, clock })
  // A cheap scrypt cost keeps the fixture fast; verification reads the cost from the hash.
  const account = await createAccount(
    sqlite,
    { username: 'outage_publisher', password: PASSWORD },
    clock.now(),
    1024,
  )
  return { app, sqlite, dbPath, clock, fail, account }
}

async function call(path: string, options: CallOptions = {}): Promise<CallResult> {
  const query = new URLSearchParams(
    Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString()
  const response = await fixture.app.inject({
    method: options.method ?? 'POST',
    url: `${path}${query ? `?${query}` : ''}`,
    headers: { 'content-type': 'application/json' },
    ...(options.body === undefined ? {} : { payload: JSON.stringify(options.body) }),
  })
  const text = response.body
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.statusCode, headers: response.headers, text, json }
}

function share(operation: string, options: CallOptions = {}): Promise<CallResult> {
  return call(`${DEXCOM_SERVICES_PATH}/${operation}`, options)
}

function login(password = PASSWORD): Promise<CallResult> {
  return share('General/LoginPublisherAccountById', {
    body: { accountId: fixture.account.id, password, applicationId: DEXCOM_APPLICATION_ID },
  })
}

/** Logs in and opens uploads for receiver {@link SERIAL}; returns the session id. */
async function uploader(): Promise<string> {
  const answer = await login()
  expect(answer.status, answer.text).toBe(200)
  const sessionId = answer.json as string
  expectEmpty(
    await share('Publisher/StartRemoteMonitoringSession', {
      query: { sessionId, serialNumber: SERIAL },
    }),
  )
  return sessionId
}

function upload(sessionId: string, value: number, minutesAgo: number): Promise<CallResult> {
  return share(UPLOAD, {
    query: { sessionId },
    body: egvBody(SERIAL, fixture.clock.now(), [{ minutesAgo, value }]),
  })
}

function read(sessionId: string): Promise<CallResult> {
  return share(READ, { query: { sessionId, minutes: 1440, maxCount: 10 } })
}

function valuesOf(answer: CallResult): number[] {
  expect(answer.status, answer.text).toBe(200)
  return (answer.json as { Value: number }[]).map((egv) => egv.Value)
}

/** Asserts the 503 answer: Share's envelope, Code ServiceUnavailable, Retry-After, no driver text. */
function expectUnavailable(answer: CallResult): void {
  const body = expectFault(answer, 'ServiceUnavailable', 503)
  expect(body['Message']).toBe(SHARE_FAULTS.ServiceUnavailable.message)
  expect(answer.headers['retry-after']).toBe('5')
  expect(answer.text).not.toContain('ECONNREFUSED')
  expect(answer.text).not.toContain('locked')
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-outage-'))
})

afterEach(async () => {
  await fixture.app.close()
  await fixture.sqlite.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a store that cannot reach its database', () => {
  beforeEach(async () => {
    fixture = await open()
  })

  it('answers a read with HTTP 503 ServiceUnavailable and Retry-After, then reads again once the store is back', async () => {
    const sessionId = await uploader()
    expectEmpty(await upload(sessionId, 142, 5))

    fixture.fail(new StoreUnavailableError(DRIVER_MESSAGE))
    expectUnavailable(await read(sessionId))

    fixture.fail(undefined)
    expect(valuesOf(await read(sessionId))).toEqual([142])
  })

  it('answers an upload with HTTP 503 and keeps every reading acknowledged before the outage', async () => {
    const sessionId = await uploader()
    expectEmpty(await upload(sessionId, 120, 10))

    fixture.fail(new StoreUnavailableError(DRIVER_MESSAGE))
    expectUnavailable(await upload(sessionId, 125, 5))

    fixture.fail(undefined)
    expect(valuesOf(await read(sessionId))).toEqual([120])
    expectEmpty(await upload(sessionId, 125, 5))
    expect(valuesOf(await read(sessionId))).toEqual([125, 120])
  })

  it('answers a login with HTTP 503, not a credential fault, and does not count it as a failure', async () => {
    fixture.fail(new StoreUnavailableError(DRIVER_MESSAGE))
    expectUnavailable(await login())
    expectUnavailable(await login('not-the-password'))
    expectUnavailable(
      await share('General/AuthenticatePublisherAccount', {
        body: {
          accountName: 'outage_publisher',
          password: PASSWORD,
          applicationId: DEXCOM_APPLICATION_ID,
        },
      }),
    )

    fixture.fail(undefined)
    expect(await fixture.sqlite.countLoginFailures(`account:${fixture.account.id}`, 0)).toBe(0)
    const answer = await login()
    expect(answer.status, answer.text).toBe(200)
  })

  it('answers /health with HTTP 503 and the same envelope while the store is down', async () => {
    const healthy = await call('/health', { method: 'GET' })
    expect(healthy.status).toBe(200)
    expect(healthy.json).toEqual({ status: 'ok' })
    expect(healthy.headers['retry-after']).toBeUndefined()

    fixture.fail(new StoreUnavailableError(DRIVER_MESSAGE))
    expectUnavailable(await call('/health', { method: 'GET' }))

    fixture.fail(undefined)
    const back = await call('/health', { method: 'GET' })
    expect(back.status).toBe(200)
    expect(back.json).toEqual({ status: 'ok' })
  })

  it('still answers any other store error with HTTP 500 InternalError and no Retry-After', async () => {
    const sessionId = await uploader()
    fixture.fail(new Error('a bug, not an outage'))
    for (const answer of [
      await read(sessionId),
      await login(),
      await call('/health', { method: 'GET' }),
    ]) {
      const body = expectFault(answer, 'InternalError', 500)
      expect(body['Message']).toBe(SHARE_FAULTS.InternalError.message)
      expect(answer.headers['retry-after']).toBeUndefined()
      expect(answer.text).not.toContain('a bug')
    }
  })
})

describe('a SQLite file another process keeps locked', () => {
  beforeEach(async () => {
    // A short busy timeout: a write gives up quickly while the lock is held.
    fixture = await open(50)
  })

  it('answers an upload with HTTP 503 while the write lock is held past the busy timeout, and accepts it once released', async () => {
    const sessionId = await uploader()
    expectEmpty(await upload(sessionId, 110, 10))

    const other = new Database(fixture.dbPath)
    try {
      other.exec('BEGIN IMMEDIATE')
      expectUnavailable(await upload(sessionId, 115, 5))
      // WAL readers are not blocked by a writer: reads go on answering.
      expect(valuesOf(await read(sessionId))).toEqual([110])
      other.exec('COMMIT')
    } finally {
      other.close()
    }

    expectEmpty(await upload(sessionId, 115, 5))
    expect(valuesOf(await read(sessionId))).toEqual([115, 110])
  })

  it('raises StoreUnavailableError from the store itself, with the driver error as its cause', async () => {
    const other = new Database(fixture.dbPath)
    try {
      other.exec('BEGIN IMMEDIATE')
      const error: unknown = await fixture.sqlite
        .insertReadings(fixture.account.key, [], fixture.clock.now())
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StoreUnavailableError)
      expect((error as StoreUnavailableError).cause).toMatchObject({ code: 'SQLITE_BUSY' })
      other.exec('ROLLBACK')
    } finally {
      other.close()
    }
    expect(
      await fixture.sqlite.insertReadings(fixture.account.key, [], fixture.clock.now()),
    ).toEqual({ inserted: 0, followed: false })
  })
})
