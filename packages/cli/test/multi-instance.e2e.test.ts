/**
End to end, on the machine's PostgreSQL: several built `glucoshare serve` processes on one database
behave as one service (sessions, logouts, lockouts and readings are shared at once), and a server
that loses its database answers 503 `ServiceUnavailable` and recovers by itself when the database
is back, keeping every acknowledged reading. PostgreSQL itself is never stopped: the outage is a
TCP relay in this process, between the server and PostgreSQL, that the test stops and restarts.
Every test works in a schema of its own, dropped at the end. Needs `npx tsc -b` first.
*/
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { Client, escapeIdentifier } from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TcpRelay } from '../../server/src/test-tcp-relay.js'
import { BIN, cleanEnv, runCli } from './run-cli.js'

const ADMIN_URL =
  process.env['GLUCOSHARE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'
const SCHEMA = `glucoshare_mi_${randomBytes(6).toString('hex')}`
const SERVICES = '/ShareWebServices/Services'
const APPLICATION_ID = 'd89443d2-327c-4a6f-89e5-496bbb0317db'
const UPLOADER_UA = 'Dexcom Share/3.0.2.11 CFNetwork/711.2.23 Darwin/14.0.0'
const FAULT_KEYS = ['Code', 'Message', 'SubCode', 'TypeName']
const UUID_ANSWER = /^"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/
const LOCKOUT_ATTEMPTS = 3
// Test-only credentials; nothing here resembles a real secret.
const PUBLISHER = { username: 'mi_publisher', password: 'mi-publisher-passphrase-not-secret' }
const LOCKED = { username: 'mi_locked', password: 'mi-locked-passphrase-not-secret' }
const OUTAGE = { username: 'mi_outage', password: 'mi-outage-passphrase-not-secret' }
const FOLLOWER = { username: 'mi_follower', password: 'mi-follower-passphrase-not-secret' }
const SERIAL = 'SM44445555'
const OUTAGE_SERIAL = 'SM66667777'

interface Answer {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly text: string
}

interface RequestOptions {
  readonly query?: Record<string, string | number>
  /** An object is sent as JSON; `undefined` sends no body. */
  readonly body?: unknown
  readonly method?: 'GET' | 'POST'
}

/** A `glucoshare serve` child process and everything it wrote. */
interface ServerProcess {
  readonly child: ChildProcessWithoutNullStreams
  readonly url: string
  log: string
}

/** The test database with the test schema first on its search path, optionally on another port. */
function databaseUrl(port?: number): string {
  const url = new URL(ADMIN_URL)
  if (port !== undefined) {
    url.hostname = '127.0.0.1'
    url.port = String(port)
  }
  const options = encodeURIComponent(`-c search_path=${SCHEMA}`)
  return `${url.toString()}${url.search ? '&' : '?'}options=${options}`
}

async function admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Adds a publisher with the CLI and returns its account id. */
async function addPublisher(
  credentials: { username: string; password: string },
  extra: readonly string[] = [],
) {
  const added = await runCli(
    [
      'accounts',
      'add',
      '--username',
      credentials.username,
      '--password-stdin',
      '--db',
      databaseUrl(),
      '--json',
      ...extra,
    ],
    { cwd: tmpdir(), input: `${credentials.password}\n` },
  )
  if (added.code !== 0) throw new Error(`accounts add failed: ${added.stderr}`)
  return (JSON.parse(added.stdout) as { accountId: string }).accountId
}

const servers: ServerProcess[] = []

/** Starts `glucoshare serve --port 0` on `db` and resolves once it reports its address. */
function startServer(db: string): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db],
    { env: cleanEnv({ GLUCOSHARE_LOCKOUT_ATTEMPTS: String(LOCKOUT_ATTEMPTS) }) },
  )
  const started = { child, url: '', log: '' }
  return new Promise((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(() => {
      reject(new Error(`the server did not report its address:\n${started.log}`))
    }, 30_000)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      started.log += chunk
      stdout += chunk
      const match = /^glucoshare listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)
      if (match?.[1] && !started.url) {
        clearTimeout(timer)
        started.url = match[1]
        servers.push(started)
        resolve(started)
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (started.log += chunk))
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited with ${code} before listening:\n${started.log}`))
    })
  })
}

/** Stops a server by its PID with SIGTERM and resolves with its exit code. */
async function stopServer(server: ServerProcess): Promise<number | null> {
  const { child } = server
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  process.kill(child.pid as number, 'SIGTERM')
  const [code] = await exited
  return code
}

/** One HTTP request on a fresh connection. */
function call(server: ServerProcess, path: string, options: RequestOptions = {}): Promise<Answer> {
  const query = new URLSearchParams(
    Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString()
  const url = new URL(`${path}${query ? `?${query}` : ''}`, server.url)
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body))
  const headers: Record<string, string | number> = {
    Accept: 'application/json',
    'User-Agent': UPLOADER_UA,
    'Content-Type': 'application/json',
    'Content-Length': payload?.length ?? 0,
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        })
      })
    })
    // A bound, not an assertion: a request that never completes fails the test.
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer to ${path} within 30 s`)))
    req.on('error', reject)
    req.end(payload)
  })
}

function share(server: ServerProcess, operation: string, options: RequestOptions = {}) {
  return call(server, `${SERVICES}/${operation}`, options)
}

/** Asserts Share's fault envelope with `code` and HTTP `status`; returns the body. */
function expectFault(answer: Answer, code: string, status = 500): Record<string, unknown> {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.headers['content-type']).toMatch(/^application\/json/)
  const fault = JSON.parse(answer.text) as Record<string, unknown>
  expect(Object.keys(fault)).toStrictEqual(FAULT_KEYS)
  expect(fault['Code']).toBe(code)
  expect(fault['TypeName']).toBe('FaultException')
  return fault
}

/** Asserts the answer of a server that cannot reach its database. */
function expectUnavailable(answer: Answer): void {
  const fault = expectFault(answer, 'ServiceUnavailable', 503)
  expect(fault['Message']).toBe('The service is temporarily unavailable. Try again later.')
  expect(answer.headers['retry-after']).toBe('5')
}

function expectEmpty200(answer: Answer): void {
  expect(answer.status, answer.text).toBe(200)
  expect(answer.text).toBe('')
}

async function login(
  server: ServerProcess,
  credentials: { username: string; password: string },
  password = credentials.password,
): Promise<Answer> {
  return share(server, 'General/LoginPublisherAccountByName', {
    body: { accountName: credentials.username, password, applicationId: APPLICATION_ID },
  })
}

async function sessionOn(
  server: ServerProcess,
  credentials: { username: string; password: string },
): Promise<string> {
  const answer = await login(server, credentials)
  expect(answer.status, answer.text).toBe(200)
  expect(answer.text).toMatch(UUID_ANSWER)
  return JSON.parse(answer.text) as string
}

/** One reading at `t` (epoch ms) as uploaders send it: ST = DT, trend Flat. */
function egvs(serial: string, readings: readonly (readonly [t: number, value: number])[]) {
  return {
    SN: serial,
    TA: -5,
    Egvs: readings.map(([t, value]) => ({
      Trend: 4,
      ST: `/Date(${t})/`,
      DT: `/Date(${t})/`,
      Value: value,
    })),
  }
}

/** The exact answer of ReadPublisherLatestGlucoseValues for readings stored by {@link egvs}. */
function readAnswer(readings: readonly (readonly [t: number, value: number])[]): string {
  const items = readings.map(
    ([t, value]) =>
      `{"WT":"Date(${t})","ST":"Date(${t})","DT":"Date(${t}+0000)","Value":${value},"Trend":"Flat"}`,
  )
  return `[${items.join(',')}]`
}

// Readings a few minutes old, on whole seconds as uploaders floor them.
const base = Math.floor(Date.now() / 1000) * 1000 - 60_000

beforeAll(async () => {
  // Fails fast, with the address, when the test database is not running.
  await admin((client) => client.query(`CREATE SCHEMA ${escapeIdentifier(SCHEMA)}`))
})

afterAll(async () => {
  // Normally every test has stopped its servers; this only cleans up after a failure.
  for (const server of servers) {
    const { child } = server
    if (child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit')
      process.kill(child.pid as number, 'SIGKILL')
      await exited
    }
  }
  await admin((client) => client.query(`DROP SCHEMA IF EXISTS ${escapeIdentifier(SCHEMA)} CASCADE`))
})

describe('two glucoshare serve processes on one PostgreSQL', () => {
  let a: ServerProcess
  let b: ServerProcess
  let sessionId = ''

  beforeAll(async () => {
    await addPublisher(PUBLISHER)
    await addPublisher(LOCKED)
    // Started together: both migrate the same schema at once.
    ;[a, b] = await Promise.all([startServer(databaseUrl()), startServer(databaseUrl())])
  })

  it('accepts on B a session created on A', async () => {
    sessionId = await sessionOn(a, PUBLISHER)
    const active = await share(b, 'Publisher/IsRemoteMonitoringSessionActive', {
      query: { sessionId },
    })
    expect(active.status, active.text).toBe(200)
    expect(active.text).toBe('false')
    const read = await share(b, 'Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 60, maxCount: 10 },
    })
    expect(read.status, read.text).toBe(200)
    expect(read.text).toBe('[]')
  })

  it('reads on B, at once and exactly, a reading uploaded to A, and refuses it again on B as a duplicate', async () => {
    expectEmpty200(
      await share(a, 'Publisher/StartRemoteMonitoringSession', {
        query: { sessionId, serialNumber: SERIAL },
      }),
    )
    const reading = [base, 137] as const
    expectEmpty200(
      await share(a, 'Publisher/PostReceiverEgvRecords', {
        query: { sessionId },
        body: egvs(SERIAL, [reading]),
      }),
    )
    const read = await share(b, 'Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 60, maxCount: 10 },
    })
    expect(read.status, read.text).toBe(200)
    expect(read.text).toBe(readAnswer([reading]))

    const duplicate = await share(b, 'Publisher/PostReceiverEgvRecords', {
      query: { sessionId },
      body: egvs(SERIAL, [reading]),
    })
    expectFault(duplicate, 'DuplicateEgvPosted')
  })

  it('makes a session logged out on A answer SessionNotValid on B', async () => {
    const other = await sessionOn(b, PUBLISHER)
    expectEmpty200(
      await share(a, 'Publisher/LogoutPublisherAccount', { query: { sessionId: other } }),
    )
    const read = await share(b, 'Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId: other, minutes: 60, maxCount: 1 },
    })
    expectFault(read, 'SessionNotValid')
    // The session logged in on A earlier is untouched.
    const still = await share(b, 'Publisher/IsRemoteMonitoringSessionActive', {
      query: { sessionId },
    })
    expect(still.text).toBe('true')
  })

  it('counts failed logins across both: failures on A, B, A lock the account on both', async () => {
    expectFault(await login(a, LOCKED, 'wrong-passphrase-1'), 'AccountPasswordInvalid')
    expectFault(await login(b, LOCKED, 'wrong-passphrase-2'), 'AccountPasswordInvalid')
    expectFault(await login(a, LOCKED, 'wrong-passphrase-3'), 'SSO_AuthenticateMaxAttemptsExceeed')
    expectFault(await login(b, LOCKED), 'SSO_AuthenticateMaxAttemptsExceeed')
    expectFault(await login(a, LOCKED), 'SSO_AuthenticateMaxAttemptsExceeed')
    // Only that account: the other publisher still logs in on either.
    await sessionOn(b, PUBLISHER)
  })

  it('streams to a follower on B the readings and alerts of uploads to A, each alert raised once whichever instance evaluates', async () => {
    const followerId = await addPublisher(FOLLOWER, ['--follower'])
    const pub = { sessionId }
    const contact = await share(a, 'Publisher/CreateContact', {
      query: { ...pub, contactName: 'Carer', emailAddress: 'carer@example.test' },
    })
    const contactId = JSON.parse(contact.text) as string
    const invited = await share(a, 'Publisher/CreateSubscriptionInvitation', {
      query: { ...pub, contactId },
      body: { AlertSettings: { FixedLowAlert: { IsEnabled: true, AlarmDelay: 'PT0M' } } },
    })
    const subscriptionId = JSON.parse(invited.text) as string
    const invitationId = JSON.parse(
      (await share(a, 'Publisher/ReadSubscriptionInviteId', { query: { ...pub, subscriptionId } }))
        .text,
    ) as string
    const login = await share(b, 'General/LoginSubscriberAccount', {
      body: { accountId: followerId, password: FOLLOWER.password, applicationId: APPLICATION_ID },
    })
    const followerSession = JSON.parse(login.text) as string
    const accepted = await share(b, 'Subscriber/AcceptSubscriptionInvitation', {
      query: { sessionId: followerSession, invitationId },
    })
    expect(accepted.text).toBe(JSON.stringify(subscriptionId))

    // The follower's live stream is on B.
    const abort = new AbortController()
    const stream = await fetch(
      `${b.url}${SERVICES}/Subscriber/StreamEvents?sessionId=${followerSession}`,
      { signal: abort.signal },
    )
    const frames: string[] = []
    const reading = (async () => {
      const decoder = new TextDecoder()
      const reader = stream.body!.getReader()
      let text = ''
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) return
        text += decoder.decode(value, { stream: true })
        let end: number
        while ((end = text.indexOf('\n\n')) >= 0) {
          frames.push(text.slice(0, end))
          text = text.slice(end + 2)
        }
      }
    })()
    const named = (event: string) => frames.filter((f) => f.includes(`event: ${event}\n`))
    const waitFor = async (event: string, count: number) => {
      for (let i = 0; i < 1000 && named(event).length < count; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(named(event).length, frames.join('\n---\n')).toBeGreaterThanOrEqual(count)
    }
    await waitFor('ready', 1)

    // An urgent low uploaded to A while B evaluates the same subscription at the same moment
    // (the follower's settings change there): both instances evaluate it, one event is raised.
    const low = [base + 60_000, 50] as const
    const [upload, settings] = await Promise.all([
      share(a, 'Publisher/PostReceiverEgvRecords', { query: pub, body: egvs(SERIAL, [low]) }),
      share(b, 'Subscriber/UpdateSubscriptionAlertSettings', {
        query: { sessionId: followerSession, subscriptionId },
        body: { AlertSettings: { FixedLowAlert: { IsEnabled: true } } },
      }),
    ])
    expectEmpty200(upload)
    expect(settings.status, settings.text).toBe(200)
    await waitFor('reading', 1)
    await waitFor('alert', 1)
    // Both again, and the due checks of both instances: still one alert.
    await Promise.all([
      share(a, 'Subscriber/UpdateSubscriptionAlertSettings', {
        query: { sessionId: followerSession, subscriptionId },
        body: {},
      }),
      share(b, 'Subscriber/UpdateSubscriptionAlertSettings', {
        query: { sessionId: followerSession, subscriptionId },
        body: {},
      }),
    ])
    const events = await share(a, 'Subscriber/ReadAlertEvents', {
      query: { sessionId: followerSession, subscriptionId },
    })
    const listed = JSON.parse(events.text) as {
      Events: { Type: string; Kind: string; Value: number }[]
    }
    expect(listed.Events).toEqual([
      expect.objectContaining({ Type: 'fired', Kind: 'urgentLow', Value: 50 }),
    ])
    abort.abort()
    await reading
    expect(named('alert')).toHaveLength(1)
    expect(named('alert')[0]).toContain('"type":"alert.fired"')
    expect(named('reading')[0]).toContain('"Value":50')
  })

  it('stops both processes on SIGTERM with exit code 0, without writing session ids or passwords to their logs', async () => {
    expect(await Promise.all([stopServer(a), stopServer(b)])).toEqual([0, 0])
    for (const server of [a, b]) {
      expect(server.log).toContain('LoginPublisherAccountByName')
      for (const secret of [
        sessionId,
        PUBLISHER.password,
        LOCKED.password,
        FOLLOWER.password,
        'wrong-passphrase',
      ]) {
        expect(server.log).not.toContain(secret)
      }
    }
  })
})

describe('a glucoshare serve process that loses PostgreSQL', () => {
  const target = new URL(ADMIN_URL)
  const relay = new TcpRelay(target.hostname, Number(target.port || 5432))
  let server: ServerProcess
  let sessionId = ''
  // Acknowledged (HTTP 200) before the outage; newest first, as reads answer.
  const acknowledged = [
    [base, 151],
    [base - 5 * 60_000, 146],
    [base - 10 * 60_000, 140],
  ] as const

  beforeAll(async () => {
    await addPublisher(OUTAGE)
    const port = await relay.start()
    server = await startServer(databaseUrl(port))
  })

  afterAll(async () => {
    await relay.stop()
  })

  it('acknowledges uploads while PostgreSQL is reachable', async () => {
    sessionId = await sessionOn(server, OUTAGE)
    expectEmpty200(
      await share(server, 'Publisher/StartRemoteMonitoringSession', {
        query: { sessionId, serialNumber: OUTAGE_SERIAL },
      }),
    )
    expectEmpty200(
      await share(server, 'Publisher/PostReceiverEgvRecords', {
        query: { sessionId },
        body: egvs(OUTAGE_SERIAL, acknowledged.slice(1)),
      }),
    )
    expectEmpty200(
      await share(server, 'Publisher/PostReceiverEgvRecords', {
        query: { sessionId },
        body: egvs(OUTAGE_SERIAL, acknowledged.slice(0, 1)),
      }),
    )
    const health = await call(server, '/health', { method: 'GET' })
    expect(health.status).toBe(200)
    expect(JSON.parse(health.text)).toEqual({ status: 'ok' })
  })

  it('answers reads, uploads, logins and /health with HTTP 503 ServiceUnavailable while PostgreSQL is unreachable, and keeps running', async () => {
    await relay.stop()

    expectUnavailable(
      await share(server, 'Publisher/ReadPublisherLatestGlucoseValues', {
        query: { sessionId, minutes: 60, maxCount: 10 },
      }),
    )
    expectUnavailable(
      await share(server, 'Publisher/PostReceiverEgvRecords', {
        query: { sessionId },
        body: egvs(OUTAGE_SERIAL, [[base + 30_000, 155]]),
      }),
    )
    expectUnavailable(await login(server, OUTAGE))
    expectUnavailable(await call(server, '/health', { method: 'GET' }))
    // Same answer on a second round: the server neither crashed nor hung on the first.
    expectUnavailable(
      await share(server, 'Publisher/ReadPublisherLatestGlucoseValues', {
        query: { sessionId, minutes: 60, maxCount: 10 },
      }),
    )
    expect(server.child.exitCode).toBeNull()
    expect(server.child.signalCode).toBeNull()
  })

  it('serves again without a restart once PostgreSQL is back, with every acknowledged reading', async () => {
    await relay.start()

    const health = await call(server, '/health', { method: 'GET' })
    expect(health.status, health.text).toBe(200)
    const read = await share(server, 'Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 60, maxCount: 10 },
    })
    expect(read.status, read.text).toBe(200)
    expect(read.text).toBe(readAnswer(acknowledged))

    // The upload refused during the outage was not stored; sent again, it is.
    const later = [base + 30_000, 155] as const
    expectEmpty200(
      await share(server, 'Publisher/PostReceiverEgvRecords', {
        query: { sessionId },
        body: egvs(OUTAGE_SERIAL, [later]),
      }),
    )
    const after = await share(server, 'Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 60, maxCount: 10 },
    })
    expect(after.text).toBe(readAnswer([later, ...acknowledged]))
    await sessionOn(server, OUTAGE)
  })

  it('stops on SIGTERM with exit code 0 after the outage, without writing the session id to its log', async () => {
    expect(await stopServer(server)).toBe(0)
    expect(server.log).toContain('the database is unavailable')
    expect(server.log).not.toContain(sessionId)
    expect(server.log).not.toContain(OUTAGE.password)
  })
})
