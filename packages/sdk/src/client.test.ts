import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { egvBody, startTestServer, type TestServer } from '../../server/src/test-support.js'
import { injectFetch, type Exchange } from './test-follower-fixture.js'
import type { ServerConfig } from '../../server/src/config.js'
import type { Account } from '../../server/src/store/store.js'
import { serve } from '../../server/src/node/serve.js'
import { SqliteStore } from '../../server/src/store/sqlite/sqlite-store.js'
import { createAccount } from '../../server/src/accounts/create-account.js'
import { ShareClient } from './client.js'
import {
  DEXCOM_APPLICATION_ID,
  DEXCOM_APPLICATION_ID_JP,
  DEXCOM_BASE_URLS,
  DEXCOM_DEFAULT_UUID,
  DEXCOM_SERVICES_PATH,
} from './constants.js'
import {
  AccountError,
  AccountLockedError,
  ArgumentError,
  NetworkError,
  ServerError,
  SessionError,
  ShareError,
  TimeoutError,
} from './errors.js'
import type { ShareClientOptions } from './options.js'

const PASSWORD = 'correct horse battery'
const BASE = 'http://glucoshare.test'
const MINUTE = 60_000

/** One request the client made and the server's answer. */

let server: TestServer
let log: Exchange[] = []
const running: TestServer[] = []

async function start(config?: ServerConfig): Promise<void> {
  server = await startTestServer(config ? { config } : {})
  running.push(server)
  log = []
}

beforeEach(() => {
  log = []
})

afterEach(async () => {
  for (const started of running.splice(0)) await started.close()
})

function client(options: Partial<ShareClientOptions> = {}): ShareClient {
  return new ShareClient({
    baseUrl: BASE,
    fetch: injectFetch(server, log),
    password: PASSWORD,
    ...options,
  } as ShareClientOptions)
}

const operations = (): string[] => log.map((exchange) => exchange.operation)

const serials = new Map<string, string>()

/** Uploads readings for an account through the harness (its own session), `minutesAgo` from now. */
async function seed(
  account: Account,
  readings: { minutesAgo: number; value: number; trend?: number }[],
): Promise<void> {
  let serial = serials.get(account.id)
  const sessionId = await server.login(account, PASSWORD)
  if (serial === undefined) {
    serial = `SM${String(serials.size + 1).padStart(8, '0')}`
    serials.set(account.id, serial)
    const started = await server.call('Publisher/StartRemoteMonitoringSession', {
      query: { sessionId, serialNumber: serial },
    })
    expect(started.status, started.text).toBe(200)
  }
  const posted = await server.call('Publisher/PostReceiverEgvRecords', {
    query: { sessionId },
    body: egvBody(serial, server.clock.now(), readings),
  })
  expect(posted.status, posted.text).toBe(200)
}

/** Every session id the server handed out or the client sent. */
function sessionIds(): string[] {
  const ids = new Set<string>()
  for (const exchange of log) {
    const sent = exchange.query.get('sessionId')
    if (sent) ids.add(sent)
    if (/^Login/.test(exchange.operation) && exchange.status === 200) {
      ids.add(JSON.parse(exchange.text) as string)
    }
  }
  return [...ids]
}

/** Awaits a rejection and checks that nothing secret leaked into the error's text. */
async function failure(promise: Promise<unknown>): Promise<ShareError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail')
    },
    (reason: unknown) => reason as ShareError,
  )
  const text = `${String(error)} ${error.message} ${error.serverMessage ?? ''} ${error.stack ?? ''}`
  for (const secret of [PASSWORD, ...sessionIds()]) expect(text).not.toContain(secret)
  expect(text).not.toContain(BASE)
  return error
}

describe('ShareClient logins against a glucoshare server', () => {
  let account: Account

  beforeEach(async () => {
    await start()
    ;({ account } = await server.addAccount({
      username: 'pat.doe',
      email: 'pat@example.org',
      phone: '+15550102030',
      password: PASSWORD,
    }))
    await seed(account, [
      { minutesAgo: 2, value: 124, trend: 3 },
      { minutesAgo: 7, value: 118, trend: 4 },
    ])
    log.length = 0
  })

  it.each([
    ['username', 'pat.doe'],
    ['email address', 'Pat@Example.org'],
    ['phone number', '+1 555 010-2030'],
  ])('logs in with the %s in two steps, then reads the newest reading', async (_kind, username) => {
    const reading = await client({ username }).getLatestGlucoseReading()
    expect(reading?.mgDl).toBe(124)
    expect(reading?.trendDirection).toBe('FortyFiveUp')
    expect(operations()).toEqual([
      'AuthenticatePublisherAccount',
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
    ])
    expect(JSON.parse(log[0]!.body)).toEqual({
      accountName: username,
      password: PASSWORD,
      applicationId: DEXCOM_APPLICATION_ID,
    })
    expect(JSON.parse(log[1]!.body)).toEqual({
      accountId: account.id,
      password: PASSWORD,
      applicationId: DEXCOM_APPLICATION_ID,
    })
  })

  it.each([
    ['as the portal shows it', () => account.id],
    ['in upper case', () => account.id.toUpperCase()],
    ['without hyphens', () => account.id.replace(/-/g, '')],
  ])('logs in by account id %s, skipping the first step', async (_form, accountId) => {
    const readings = await client({ accountId: accountId() }).getGlucoseReadings()
    expect(readings.map((r) => r.mgDl)).toEqual([124, 118])
    expect(operations()).toEqual(['LoginPublisherAccountById', 'ReadPublisherLatestGlucoseValues'])
    expect(JSON.parse(log[0]!.body)).toMatchObject({ accountId: account.id })
  })

  it('logs in with the legacy one-step LoginPublisherAccountByName when asked to', async () => {
    const reading = await client({
      username: 'pat.doe',
      loginMethod: 'byName',
    }).getLatestGlucoseReading()
    expect(reading?.mgDl).toBe(124)
    expect(operations()).toEqual([
      'LoginPublisherAccountByName',
      'ReadPublisherLatestGlucoseValues',
    ])
    expect(JSON.parse(log[0]!.body)).toEqual({
      accountName: 'pat.doe',
      password: PASSWORD,
      applicationId: DEXCOM_APPLICATION_ID,
    })
  })

  it('keeps its session across calls and logs in again only when asked', async () => {
    const share = client({ username: 'pat.doe' })
    expect(share.hasSession).toBe(false)
    await share.getLatestGlucoseReading()
    await share.getCurrentGlucoseReading()
    expect(share.hasSession).toBe(true)
    const reads = log.filter((e) => e.operation === 'ReadPublisherLatestGlucoseValues')
    expect(reads.map((e) => e.query.get('sessionId'))).toEqual([
      JSON.parse(log[1]!.text),
      JSON.parse(log[1]!.text),
    ])
    await share.login()
    await share.getLatestGlucoseReading()
    expect(operations()).toEqual([
      'AuthenticatePublisherAccount',
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
      'ReadPublisherLatestGlucoseValues',
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
    ])
    const last = log.at(-1)!.query.get('sessionId')
    expect(last).toBe(JSON.parse(log[4]!.text))
    expect(last).not.toBe(reads[0]!.query.get('sessionId'))
  })

  it('shares one login between calls made at the same time', async () => {
    const share = client({ username: 'pat.doe' })
    const results = await Promise.all([
      share.getLatestGlucoseReading(),
      share.getGlucoseReadings({ minutes: 60, maxCount: 5 }),
    ])
    expect(results[0]?.mgDl).toBe(124)
    expect(results[1]).toHaveLength(2)
    expect(operations().filter((o) => o.startsWith('Login'))).toEqual(['LoginPublisherAccountById'])
  })

  it("speaks Share's transport: POST, JSON headers, {} body and parameters in the query", async () => {
    await client({ username: 'pat.doe' }).getGlucoseReadings({ minutes: 30, maxCount: 12 })
    for (const exchange of log) {
      expect(exchange.method).toBe('POST')
      expect(exchange.headers.get('content-type')).toBe('application/json')
      expect(exchange.headers.get('accept')).toBe('application/json')
      expect(exchange.headers.get('user-agent')).toBe('glucoshare-sdk')
    }
    const read = log[2]!
    expect(read.body).toBe('{}')
    expect([...read.query.keys()]).toEqual(['sessionId', 'minutes', 'maxCount'])
    expect(read.query.get('minutes')).toBe('30')
    expect(read.query.get('maxCount')).toBe('12')
    expect([...log[0]!.query.keys()]).toEqual([])
  })

  it('sends the Japanese application id for the jp region, and the User-Agent it is given', async () => {
    await client({ username: 'pat.doe', region: 'jp', userAgent: 'my-app/1.0' }).login()
    expect(JSON.parse(log[0]!.body).applicationId).toBe(DEXCOM_APPLICATION_ID_JP)
    expect(log[0]!.headers.get('user-agent')).toBe('my-app/1.0')
  })

  it('sends no User-Agent when told not to', async () => {
    await client({ username: 'pat.doe', userAgent: false }).login()
    expect(log[0]!.headers.get('user-agent')).toBeNull()
  })

  it('answers undefined when no reading is recent enough', async () => {
    server.clock.advance(30 * MINUTE)
    const share = client({ username: 'pat.doe' })
    expect(await share.getCurrentGlucoseReading()).toBeUndefined()
    expect((await share.getLatestGlucoseReading())?.mgDl).toBe(124)
    const reads = log.filter((e) => e.operation === 'ReadPublisherLatestGlucoseValues')
    expect(reads.map((e) => [e.query.get('minutes'), e.query.get('maxCount')])).toEqual([
      ['10', '1'],
      ['1440', '1'],
    ])
  })
})

describe('ShareClient failures', () => {
  let account: Account

  beforeEach(async () => {
    await start({ lockoutMaxAttempts: 2 })
    ;({ account } = await server.addAccount({ username: 'pat.doe', password: PASSWORD }))
  })

  it('fails a wrong password with an AccountError coded AccountPasswordInvalid, without retrying', async () => {
    const error = await failure(
      client({ username: 'pat.doe', password: 'wrong horse battery' }).getLatestGlucoseReading(),
    )
    expect(error).toBeInstanceOf(AccountError)
    expect(error).not.toBeInstanceOf(AccountLockedError)
    expect(error.code).toBe('AccountPasswordInvalid')
    expect(error.operation).toBe('AuthenticatePublisherAccount')
    expect(error.status).toBe(500)
    expect(error.message).not.toContain('wrong horse battery')
    expect(operations()).toEqual(['AuthenticatePublisherAccount'])
  })

  it('fails a wrong password given with an account id at LoginPublisherAccountById', async () => {
    const error = await failure(
      client({ accountId: account.id, password: 'wrong horse battery' }).login(),
    )
    expect(error).toBeInstanceOf(AccountError)
    expect(error.code).toBe('AccountPasswordInvalid')
    expect(error.operation).toBe('LoginPublisherAccountById')
  })

  it('reports a lockout as AccountLockedError, even for the right password, and never retries it', async () => {
    const wrong = client({ username: 'pat.doe', password: 'wrong horse battery' })
    expect((await failure(wrong.login())).code).toBe('AccountPasswordInvalid')
    const locked = await failure(wrong.login())
    expect(locked).toBeInstanceOf(AccountLockedError)
    expect(locked.code).toBe('SSO_AuthenticateMaxAttemptsExceeed')
    const right = await failure(client({ username: 'pat.doe' }).getLatestGlucoseReading())
    expect(right).toBeInstanceOf(AccountLockedError)
    expect(operations()).toEqual([
      'AuthenticatePublisherAccount',
      'AuthenticatePublisherAccount',
      'AuthenticatePublisherAccount',
    ])
  })

  it('treats an all-zeros id answered with HTTP 200 as a failed login', async () => {
    // glucoshare never answers it; Share did in 2020-2021 (spec 5.4).
    const real = injectFetch(server, log)
    const zeros: typeof fetch = async (input, init) => {
      const response = await real(input, init)
      return String(input).endsWith('/LoginPublisherAccountById')
        ? new Response(JSON.stringify(DEXCOM_DEFAULT_UUID), { status: 200 })
        : response
    }
    const error = await failure(
      client({ username: 'pat.doe', fetch: zeros }).getLatestGlucoseReading(),
    )
    expect(error).toBeInstanceOf(AccountError)
    expect(error.code).toBe('LoginRejected')
    expect(error.operation).toBe('LoginPublisherAccountById')
    expect(operations()).toEqual(['AuthenticatePublisherAccount', 'LoginPublisherAccountById'])
  })

  it('accepts the window edges 0 and 1440 / 288', async () => {
    const share = client({ username: 'pat.doe' })
    expect(await share.getGlucoseReadings({ minutes: 0, maxCount: 0 })).toEqual([])
    expect(await share.getGlucoseReadings({ minutes: 1440, maxCount: 288 })).toEqual([])
  })

  it('answers a ServerError coded EndpointNotFound when the base URL names no Share service', async () => {
    const share = client({ username: 'pat.doe', baseUrl: `${BASE}/ShareWebServices/Nope` })
    const error = await failure(share.getLatestGlucoseReading())
    expect(error).toBeInstanceOf(ServerError)
    expect(error.code).toBe('EndpointNotFound')
    expect(error.status).toBe(404)
    expect(error.operation).toBe('AuthenticatePublisherAccount')
  })

  it('answers a ServerError coded InternalError when the server fails', async () => {
    const share = client({ username: 'pat.doe' })
    await share.login()
    await server.store.close()
    const error = await failure(share.getLatestGlucoseReading())
    expect(error).toBeInstanceOf(ServerError)
    expect(error.code).toBe('InternalError')
    expect(error.status).toBe(500)
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
  })

  it('refuses a read answer that is not an array rather than reading it as glucose', async () => {
    const real = injectFetch(server, log)
    const share = client({
      username: 'pat.doe',
      fetch: async (input, init) =>
        String(input).includes('/ReadPublisherLatestGlucoseValues')
          ? new Response('{"Value":100}', { status: 200 })
          : real(input, init),
    })
    const error = await failure(share.getLatestGlucoseReading())
    expect(error).toBeInstanceOf(ServerError)
    expect(error.code).toBe('InvalidResponse')
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
  })
})

describe('ShareClient checks before any request', () => {
  let calls: number

  /** A client with no server behind it: its fetch counts calls and fails them. */
  function offline(options: Partial<ShareClientOptions> = {}): ShareClient {
    return new ShareClient({
      baseUrl: BASE,
      password: PASSWORD,
      fetch: () => {
        calls += 1
        return Promise.reject(new TypeError('no server here'))
      },
      ...options,
    } as ShareClientOptions)
  }

  beforeEach(() => {
    calls = 0
  })

  it.each([
    [{ minutes: -1 }, 'MinutesInvalid'],
    [{ minutes: 1441 }, 'MinutesInvalid'],
    [{ minutes: 2.5 }, 'MinutesInvalid'],
    [{ minutes: Number.NaN }, 'MinutesInvalid'],
    [{ maxCount: 289 }, 'MaxCountInvalid'],
    [{ maxCount: -3 }, 'MaxCountInvalid'],
  ])('refuses the window %o with an ArgumentError before any request', async (window, code) => {
    const error = await failure(offline({ username: 'pat.doe' }).getGlucoseReadings(window))
    expect(error).toBeInstanceOf(ArgumentError)
    expect(error.code).toBe(code)
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
    expect(calls).toBe(0)
  })

  it.each([
    ['no credentials', { username: undefined }, 'CredentialsRequired'],
    [
      'both a username and an account id',
      { username: 'a', accountId: DEXCOM_APPLICATION_ID },
      'CredentialsAmbiguous',
    ],
    ['an empty password', { username: 'a', password: '' }, 'PasswordRequired'],
    ['a blank username', { username: '   ' }, 'UsernameInvalid'],
    ['an account id that is not a UUID', { accountId: 'pat' }, 'AccountIdInvalid'],
    ['the all-zeros account id', { accountId: DEXCOM_DEFAULT_UUID }, 'AccountIdInvalid'],
    ['an unknown region', { username: 'a', region: 'eu' }, 'RegionInvalid'],
    [
      'a base URL that is not http(s)',
      { username: 'a', baseUrl: 'ftp://example.org' },
      'BaseUrlInvalid',
    ],
    ['a base URL that is not a URL', { username: 'a', baseUrl: 'share server' }, 'BaseUrlInvalid'],
    [
      'an application id that is not a UUID',
      { username: 'a', applicationId: 'app' },
      'ApplicationIdInvalid',
    ],
    [
      'byName with an account id',
      { accountId: DEXCOM_APPLICATION_ID, loginMethod: 'byName' },
      'LoginMethodInvalid',
    ],
  ])('refuses %s when constructed', (_what, options, code) => {
    let error: unknown
    try {
      offline(options as Partial<ShareClientOptions>)
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ArgumentError)
    expect((error as ArgumentError).code).toBe(code)
    expect((error as ArgumentError).operation).toBe('ShareClient')
    expect((error as Error).message).not.toContain(PASSWORD)
  })

  it("points at the region's host by default and completes a bare base URL", () => {
    const at = (options: Partial<ShareClientOptions>) =>
      offline({ username: 'a', baseUrl: undefined, ...options }).baseUrl
    expect(at({})).toBe(DEXCOM_BASE_URLS.us)
    expect(at({ region: 'ous' })).toBe(DEXCOM_BASE_URLS.ous)
    expect(at({ region: 'jp' })).toBe(DEXCOM_BASE_URLS.jp)
    expect(at({ baseUrl: 'https://share.example.org/' })).toBe(
      `https://share.example.org${DEXCOM_SERVICES_PATH}`,
    )
    expect(at({ baseUrl: new URL(`https://share.example.org:8443${DEXCOM_SERVICES_PATH}/`) })).toBe(
      `https://share.example.org:8443${DEXCOM_SERVICES_PATH}`,
    )
  })

  it('leaves the User-Agent to the browser when it runs in one', async () => {
    const seen: Headers[] = []
    const share = offline({
      username: 'pat.doe',
      fetch: (input, init) => {
        seen.push(new Request(input, init).headers)
        return Promise.reject(new TypeError('no server here'))
      },
    })
    const scope = globalThis as { document?: unknown }
    scope.document = {}
    try {
      await failure(share.login())
    } finally {
      delete scope.document
    }
    await failure(share.login())
    expect(seen.map((headers) => headers.get('user-agent'))).toEqual([null, 'glucoshare-sdk'])
    expect(seen[0]!.get('content-type')).toBe('application/json')
  })

  it('refuses a timeout that is not a positive number with a RangeError', () => {
    expect(() => offline({ username: 'a', timeoutMs: 0 })).toThrow(RangeError)
    expect(() => offline({ username: 'a', timeoutMs: -5 })).toThrow(RangeError)
  })

  it('wraps a fetch that throws in a NetworkError that keeps the cause', async () => {
    const cause = new TypeError('fetch failed')
    const share = offline({
      username: 'pat.doe',
      fetch: () => Promise.reject(cause),
    })
    const error = await failure(share.getLatestGlucoseReading())
    expect(error).toBeInstanceOf(NetworkError)
    expect(error.code).toBe('NetworkError')
    expect(error.operation).toBe('AuthenticatePublisherAccount')
    expect(error.cause).toBe(cause)
  })

  it('gives up with a TimeoutError when fetch never settles, even if it ignores the signal', async () => {
    let signal: AbortSignal | undefined
    const share = offline({
      username: 'pat.doe',
      timeoutMs: 20,
      fetch: (_input, init) => {
        signal = init?.signal ?? undefined
        return new Promise<Response>(() => {})
      },
    })
    const error = await failure(share.getLatestGlucoseReading())
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error.code).toBe('Timeout')
    expect(error.operation).toBe('AuthenticatePublisherAccount')
    expect(signal?.aborted).toBe(true)
  })

  it("rejects with the caller's abort reason, and sends nothing for an already aborted signal", async () => {
    const share = offline({ username: 'pat.doe' })
    const done = new AbortController()
    done.abort(new Error('user left'))
    await expect(share.getLatestGlucoseReading({ signal: done.signal })).rejects.toThrow(
      'user left',
    )
    expect(calls).toBe(0)

    const hanging = offline({ username: 'pat.doe', fetch: () => new Promise<Response>(() => {}) })
    const later = new AbortController()
    const call = hanging.getLatestGlucoseReading({ signal: later.signal })
    later.abort(new Error('changed my mind'))
    await expect(call).rejects.toThrow('changed my mind')
  })

  it('refuses an answer that is not Share JSON with a ServerError coded InvalidResponse', async () => {
    const share = offline({
      accountId: DEXCOM_APPLICATION_ID,
      fetch: () => Promise.resolve(new Response('<html>maintenance</html>', { status: 200 })),
    })
    const error = await failure(share.login())
    expect(error).toBeInstanceOf(ServerError)
    expect(error.code).toBe('InvalidResponse')
  })

  it.each([
    ['an empty serial number', '', [{ date: 0, mgDl: 100, trend: 4 }], 'SerialNumberInvalid'],
    ['a value above 401', 'SM1', [{ date: 0, mgDl: 402, trend: 4 }], 'ReadingInvalid'],
    ['a value below 39', 'SM1', [{ date: 0, mgDl: 20, trend: 4 }], 'ReadingInvalid'],
    ['a decimal value', 'SM1', [{ date: 0, mgDl: 100.5, trend: 4 }], 'ReadingInvalid'],
    ['an invalid date', 'SM1', [{ date: new Date('x'), mgDl: 100, trend: 4 }], 'ReadingInvalid'],
    ['an unknown trend', 'SM1', [{ date: 0, mgDl: 100, trend: 'Sideways' }], 'ReadingInvalid'],
    [
      'an offset beyond 14 h',
      'SM1',
      [{ date: 0, mgDl: 100, trend: 4, utcOffsetMinutes: 900 }],
      'ReadingInvalid',
    ],
  ])('refuses %s with an ArgumentError before any request', async (_what, sn, readings, code) => {
    const error = await failure(offline({ username: 'pat.doe' }).postReadings(sn, readings))
    expect(error).toBeInstanceOf(ArgumentError)
    expect(error.code).toBe(code)
    expect(calls).toBe(0)
  })

  it('refuses an empty serial number for the other chain calls before any request', async () => {
    const share = offline({ username: 'pat.doe' })
    for (const call of [
      () => share.startMonitoringSession(' '),
      () => share.checkReceiverAssignment(''),
      () => share.assignReceiver(''),
    ]) {
      expect((await failure(call())).code).toBe('SerialNumberInvalid')
    }
    expect(calls).toBe(0)
  })
})

describe('ShareClient sessions', () => {
  let account: Account

  it('logs in again once and returns the data when the session expires between reads', async () => {
    await start({ sessionTtlMs: 60 * MINUTE })
    ;({ account } = await server.addAccount({ username: 'pat.doe', password: PASSWORD }))
    await seed(account, [{ minutesAgo: 1, value: 101 }])
    log.length = 0
    const share = client({ username: 'pat.doe' })
    expect((await share.getLatestGlucoseReading())?.mgDl).toBe(101)
    const first = log.at(-1)!.query.get('sessionId')

    server.clock.advance(61 * MINUTE)
    await seed(account, [{ minutesAgo: 1, value: 187, trend: 2 }])
    log.length = 0
    const reading = await share.getLatestGlucoseReading()

    expect(reading?.mgDl).toBe(187)
    expect(reading?.trendDirection).toBe('SingleUp')
    expect(operations()).toEqual([
      'ReadPublisherLatestGlucoseValues',
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
    ])
    expect(log[0]!.status).toBe(500)
    expect(JSON.parse(log[0]!.text).Code).toBe('SessionNotValid')
    expect(log[0]!.query.get('sessionId')).toBe(first)
    expect(log[2]!.query.get('sessionId')).toBe(JSON.parse(log[1]!.text))
    expect(log[2]!.query.get('sessionId')).not.toBe(first)
  })

  it('logs in again once when the server no longer knows the session', async () => {
    await start()
    ;({ account } = await server.addAccount({ username: 'pat.doe', password: PASSWORD }))
    const share = client({ username: 'pat.doe' })
    await share.login()
    await server.store.purgeSessions(Number.MAX_SAFE_INTEGER)
    log.length = 0
    expect(await share.getGlucoseReadings()).toEqual([])
    expect(log.map((e) => [e.operation, e.status])).toEqual([
      ['ReadPublisherLatestGlucoseValues', 500],
      ['LoginPublisherAccountById', 200],
      ['ReadPublisherLatestGlucoseValues', 200],
    ])
    expect(JSON.parse(log[0]!.text).Code).toBe('SessionIdNotFound')
  })

  it('retries only once: a second session fault reaches the caller as a SessionError', async () => {
    await start({ sessionTtlMs: 0 })
    await server.addAccount({ username: 'pat.doe', password: PASSWORD })
    const error = await failure(client({ username: 'pat.doe' }).getLatestGlucoseReading())
    expect(error).toBeInstanceOf(SessionError)
    expect(error.code).toBe('SessionNotValid')
    expect(error.operation).toBe('ReadPublisherLatestGlucoseValues')
    expect(operations()).toEqual([
      'AuthenticatePublisherAccount',
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
    ])
  })

  it('logs out, then logs in again on the next call; a dead session logs out quietly', async () => {
    await start({ sessionTtlMs: 60 * MINUTE })
    await server.addAccount({ username: 'pat.doe', password: PASSWORD })
    const share = client({ username: 'pat.doe' })
    await share.login()
    const sessionId = JSON.parse(log[1]!.text) as string
    await share.logout()
    expect(share.hasSession).toBe(false)
    expect(log[2]!.operation).toBe('LogoutPublisherAccount')
    expect(log[2]!.status).toBe(200)
    expect(log[2]!.query.get('sessionId')).toBe(sessionId)
    const after = await server.call('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 10, maxCount: 1 },
    })
    expect(after.json).toMatchObject({ Code: 'SessionNotValid' })

    await share.getLatestGlucoseReading()
    expect(operations().slice(3)).toEqual([
      'LoginPublisherAccountById',
      'ReadPublisherLatestGlucoseValues',
    ])
    server.clock.advance(61 * MINUTE)
    await share.logout()
    expect(log.at(-1)!.status).toBe(500)
    expect(share.hasSession).toBe(false)
    await share.logout()
    expect(operations().filter((o) => o === 'LogoutPublisherAccount')).toHaveLength(2)
  })
})

describe('ShareClient uploads', () => {
  const serial = 'SM40506070'

  it('runs the uploader chain end to end and reads back what it posted', async () => {
    await start()
    await server.addAccount({ username: 'pat.doe', password: PASSWORD })
    const share = client({ username: 'pat.doe' })
    const now = server.clock.now()

    expect(await share.isMonitoringSessionActive()).toBe(false)
    expect(await share.checkReceiverAssignment(serial)).toBe('NotAssigned')
    expect(await share.assignReceiver(serial)).toMatch(/^[0-9a-f-]{36}$/)
    expect(await share.checkReceiverAssignment(serial)).toBe('AssignedToYou')
    expect(await share.startMonitoringSession(serial)).toEqual({ alreadyActive: false })
    expect(await share.isMonitoringSessionActive()).toBe(true)
    expect(await share.startMonitoringSession(serial)).toEqual({ alreadyActive: true })

    const readings = [
      { date: new Date(now - 10 * MINUTE + 789), mgDl: 100, trend: 4 as const },
      { date: now - 5 * MINUTE + 456, mgDl: 39, trend: 'SingleDown', utcOffsetMinutes: -240 },
      { date: now - 123, mgDl: 401, trend: 'DoubleUp', utcOffsetMinutes: 330 },
    ]
    expect(await share.postReadings(serial, readings)).toEqual({ sent: 3, duplicate: false })
    const posted = log.at(-1)!
    expect(posted.operation).toBe('PostReceiverEgvRecords')
    expect([...posted.query.keys()]).toEqual(['sessionId'])
    const second = Math.floor((now - 5 * MINUTE + 456) / 1000) * 1000
    expect(JSON.parse(posted.body)).toMatchObject({
      SN: serial,
      Egvs: [
        {},
        {
          Trend: 6,
          Value: 39,
          ST: `/Date(${second})/`,
          DT: `/Date(${second - 240 * MINUTE})/`,
        },
        {},
      ],
    })
    expect(await share.postReadings(serial, readings)).toEqual({ sent: 3, duplicate: true })

    const back = await share.getGlucoseReadings({ minutes: 60, maxCount: 10 })
    expect(back.map((r) => [r.date.getTime() % 1000, r.mgDl, r.trend, r.utcOffsetMinutes])).toEqual(
      [
        [0, 401, 1, 330],
        [0, 39, 6, -240],
        [0, 100, 4, 0],
      ],
    )
    expect(back[0]!.isAboveRange).toBe(true)
    expect(back[1]!.isBelowRange).toBe(true)
    expect(back[2]!.mmolL).toBe(5.5)
    expect(back[1]!.date.getTime()).toBe(second)
  })

  it('answers the server faults of the chain as ArgumentErrors with their codes', async () => {
    await start()
    await server.addAccount({ username: 'pat.doe', password: PASSWORD })
    const { serial: taken } = await server.uploader()
    const share = client({ username: 'pat.doe' })
    const reading = { date: server.clock.now(), mgDl: 120, trend: 4 }

    const notActive = await failure(share.postReadings(serial, [reading]))
    expect(notActive).toBeInstanceOf(ArgumentError)
    expect(notActive.code).toBe('MonitoringSessionNotActive')
    expect(notActive.operation).toBe('PostReceiverEgvRecords')

    expect(await share.checkReceiverAssignment(taken)).toBe('AssignedToSomeoneElse')
    const someoneElse = await failure(share.assignReceiver(taken))
    expect(someoneElse).toBeInstanceOf(ArgumentError)
    expect(someoneElse.code).toBe('SerialNumberAssignedToSomeoneElse')

    await share.startMonitoringSession(serial)
    const future = await failure(
      share.postReadings(serial, [{ ...reading, date: server.clock.now() + 60 * MINUTE }]),
    )
    expect(future.code).toBe('FutureEgvPosted')
    const mismatch = await failure(share.postReadings('SM99999999', [reading]))
    expect(mismatch.code).toBe('MonitoredReceiverSerialNumberDoesNotMatch')
  })

  it('reads the legacy wire form (/Date(ms)/ dates, integer trends) of a legacy server', async () => {
    await start({ legacyWireFormat: true })
    const { account } = await server.addAccount({ username: 'pat.doe', password: PASSWORD })
    await seed(account, [{ minutesAgo: 3, value: 142, trend: 5 }])
    log.length = 0
    const reading = await client({ username: 'pat.doe' }).getLatestGlucoseReading()
    expect(log.at(-1)!.text).toMatch(/^\[\{"WT":"\/Date\(\d+\)\/".*"Trend":5\}\]$/)
    expect(reading?.mgDl).toBe(142)
    expect(reading?.trendDirection).toBe('FortyFiveDown')
    expect(reading?.date.getTime()).toBe(
      Math.floor((server.clock.now() - 3 * MINUTE) / 1000) * 1000,
    )
  })
})

describe('ShareClient over a real socket', () => {
  it('uploads and reads through serve() with the global fetch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glucoshare-sdk-'))
    const store = new SqliteStore({ path: join(dir, 'glucoshare.db') })
    await store.migrate()
    await createAccount(store, { username: 'pat.doe', password: PASSWORD })
    const running = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      const share = new ShareClient({
        username: 'pat.doe',
        password: PASSWORD,
        baseUrl: running.url,
      })
      expect(share.baseUrl).toBe(`${running.url}${DEXCOM_SERVICES_PATH}`)
      const serial = 'SM55556666'
      expect(await share.startMonitoringSession(serial)).toEqual({ alreadyActive: false })
      const date = Date.now() - 2 * MINUTE
      expect(await share.postReadings(serial, [{ date, mgDl: 133, trend: 'Flat' }])).toEqual({
        sent: 1,
        duplicate: false,
      })
      const reading = await share.getCurrentGlucoseReading()
      expect(reading?.mgDl).toBe(133)
      expect(reading?.date.getTime()).toBe(Math.floor(date / 1000) * 1000)
      expect(reading?.trendArrow).toBe('→')

      const wrong = new ShareClient({
        username: 'pat.doe',
        password: 'wrong horse battery',
        baseUrl: running.url,
      })
      const error = await wrong.login().catch((caught: unknown) => caught as ShareError)
      expect(error).toBeInstanceOf(AccountError)
      expect(error?.code).toBe('AccountPasswordInvalid')
      await share.logout()
      expect(share.hasSession).toBe(false)
    } finally {
      await running.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
