/**
End to end: the built `glucoshare` command runs as a child process, serves HTTPS on a real
socket with a throw-away self-signed certificate, and an uploader drives Share's publisher chain
(spec 3.3) against it with plain `node:https` requests. Needs `npx tsc -b` first, as `npm test` does.
*/
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SqliteStore } from '@glucoshare/server'
import { BIN, cleanEnv, runCli } from './run-cli.js'

const SERVICES = '/ShareWebServices/Services'
const APPLICATION_ID = 'd89443d2-327c-4a6f-89e5-496bbb0317db'
const UPLOADER_UA = 'Dexcom Share/3.0.2.11 CFNetwork/711.2.23 Darwin/14.0.0'
// Test-only credentials; nothing here resembles a real secret.
const USERNAME = 'e2e_uploader'
const PASSWORD = 'e2e-test-passphrase-not-secret'
const SERIAL = 'SM12345678'
const UUID_ANSWER = /^"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"$/
const FAULT_KEYS = ['Code', 'Message', 'SubCode', 'TypeName']

interface Answer {
  readonly status: number
  readonly contentType: string | undefined
  /** The exact bytes of the body. */
  readonly body: Buffer
  readonly text: string
}

interface RequestOptions {
  readonly query?: Record<string, string | number>
  /** An object is sent as JSON; a string as is; `undefined` sends no body at all. */
  readonly body?: unknown
  readonly contentType?: string | null
  readonly method?: 'GET' | 'POST'
}

let dir = ''
let dbPath = ''
let certPem = ''
let baseUrl = ''
let server: ChildProcessWithoutNullStreams | undefined
let serverLog = ''

const cli = (args: readonly string[], input = '') => runCli(args, { cwd: dir, input })

/** Starts `glucoshare serve` over HTTPS on a free port and resolves with its URL. */
function startServer(certFile: string, keyFile: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'serve',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--db',
      dbPath,
      '--tls-cert',
      certFile,
      '--tls-key',
      keyFile,
    ],
    { cwd: dir, env: cleanEnv() },
  )
  server = child
  return new Promise((resolve, reject) => {
    let stdout = ''
    const timer = setTimeout(() => {
      reject(new Error(`the server did not report its address:\n${serverLog}`))
    }, 30_000)
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      serverLog += chunk
      stdout += chunk
      const match = /^glucoshare listening on (https:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (serverLog += chunk))
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the server exited with ${code} before listening:\n${serverLog}`))
    })
  })
}

/** One HTTPS request on a fresh connection, trusting only the test certificate. */
function share(operation: string, options: RequestOptions = {}): Promise<Answer> {
  const query = new URLSearchParams(
    Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
  ).toString()
  const url = new URL(`${SERVICES}/${operation}${query ? `?${query}` : ''}`, baseUrl)
  const payload =
    options.body === undefined
      ? undefined
      : Buffer.from(typeof options.body === 'string' ? options.body : JSON.stringify(options.body))
  const headers: Record<string, string | number> = {
    Accept: 'application/json',
    'User-Agent': UPLOADER_UA,
  }
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType
  if (contentType !== null) headers['Content-Type'] = contentType
  if (payload !== undefined) headers['Content-Length'] = payload.length
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'POST', headers, ca: certPem, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('end', () => {
          const body = Buffer.concat(chunks)
          resolve({
            status: res.statusCode ?? 0,
            contentType: res.headers['content-type'],
            body,
            text: body.toString('utf8'),
          })
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Asserts Share's fault envelope (spec 5.1) and returns its Code. */
function expectFault(answer: Answer, code: string): void {
  expect(answer.status).toBe(500)
  expect(answer.contentType).toMatch(/^application\/json/)
  const fault = JSON.parse(answer.text) as Record<string, unknown>
  expect(Object.keys(fault)).toStrictEqual(FAULT_KEYS)
  expect(fault['Code']).toBe(code)
  expect(fault['TypeName']).toBe('FaultException')
  expect(typeof fault['Message']).toBe('string')
  expect(typeof fault['SubCode']).toBe('string')
}

function expectBareUuid(answer: Answer): string {
  expect(answer.status).toBe(200)
  expect(answer.contentType).toMatch(/^application\/json/)
  expect(answer.body.length).toBe(38)
  expect(answer.text).toMatch(UUID_ANSWER)
  return JSON.parse(answer.text) as string
}

function expectEmpty200(answer: Answer): void {
  expect(answer.status).toBe(200)
  expect(answer.body.length).toBe(0)
}

async function stopServer(): Promise<number | null> {
  const child = server
  if (!child || child.exitCode !== null || child.signalCode !== null) return child?.exitCode ?? null
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>
  process.kill(child.pid as number, 'SIGTERM')
  const [code] = await exited
  return code
}

let accountId = ''
let sessionId = ''
let receiverId = ''
// Three readings a few minutes old, on whole seconds as uploaders floor them (spec 3.3).
const base = Math.floor(Date.now() / 1000) * 1000 - 60_000
const t1 = base - 10 * 60_000
const t2 = base - 5 * 60_000
const t3 = base

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-e2e-'))
  dbPath = join(dir, 'db.sqlite')
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 60 * 60 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  })
  certPem = pems.cert
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  writeFileSync(certFile, pems.cert)
  writeFileSync(keyFile, pems.private, { mode: 0o600 })

  const added = await cli(
    ['accounts', 'add', '--username', USERNAME, '--password-stdin', '--db', dbPath, '--json'],
    `${PASSWORD}\n`,
  )
  if (added.code !== 0) throw new Error(`accounts add failed: ${added.stderr}`)
  accountId = (JSON.parse(added.stdout) as { accountId: string }).accountId

  baseUrl = await startServer(certFile, keyFile)
})

afterAll(async () => {
  // Normally the last test has stopped it; this only cleans up after a failure.
  if (server && server.exitCode === null && server.signalCode === null) {
    const exited = once(server, 'exit')
    process.kill(server.pid as number, 'SIGKILL')
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

describe('glucoshare serve over HTTPS, as a separate process', () => {
  it('answers AuthenticatePublisherAccount with the account id as a bare 38-byte JSON string', async () => {
    const answer = await share('General/AuthenticatePublisherAccount', {
      body: { accountName: USERNAME, password: PASSWORD, applicationId: APPLICATION_ID },
    })
    expect(answer.text).toBe(`"${accountId}"`)
    expect(expectBareUuid(answer)).toBe(accountId)
  })

  it('answers LoginPublisherAccountById with a new lower-case session id even for an upper-case account id', async () => {
    const answer = await share('General/LoginPublisherAccountById', {
      body: {
        accountId: accountId.toUpperCase(),
        password: PASSWORD,
        applicationId: APPLICATION_ID,
      },
    })
    sessionId = expectBareUuid(answer)
    expect(sessionId).not.toBe(accountId)
  })

  it('answers a wrong password with the AccountPasswordInvalid fault envelope', async () => {
    const answer = await share('General/AuthenticatePublisherAccount', {
      body: { accountName: USERNAME, password: 'not-the-password', applicationId: APPLICATION_ID },
    })
    expectFault(answer, 'AccountPasswordInvalid')
  })

  it('answers IsRemoteMonitoringSessionActive with a bare false before uploads are opened', async () => {
    // No body and no Content-Type at all, as LoopKit's client sends it.
    const answer = await share('Publisher/IsRemoteMonitoringSessionActive', {
      query: { sessionId },
      contentType: null,
    })
    expect(answer.status).toBe(200)
    expect(answer.text).toBe('false')
  })

  it('opens uploads with StartRemoteMonitoringSession: HTTP 200 with an empty body', async () => {
    // An empty JSON body with Content-Length 0 and the S2N spelling sessionID.
    const answer = await share('Publisher/StartRemoteMonitoringSession', {
      query: { sessionID: sessionId, serialNumber: SERIAL },
      body: '',
    })
    expectEmpty200(answer)
    const active = await share('Publisher/IsRemoteMonitoringSessionActive', {
      query: { sessionId: sessionId.toUpperCase() },
      body: {},
    })
    expect(active.status).toBe(200)
    expect(active.text).toBe('true')
  })

  it('answers CheckMonitoredReceiverAssignmentStatus with the bare string "AssignedToYou"', async () => {
    const answer = await share('Publisher/CheckMonitoredReceiverAssignmentStatus', {
      query: { sessionId, serialNumber: SERIAL },
      body: {},
    })
    expect(answer.status).toBe(200)
    expect(answer.text).toBe('"AssignedToYou"')
  })

  it('answers ReplacePublisherAccountMonitoredReceiver with the same receiver id each time', async () => {
    const first = await share('Publisher/ReplacePublisherAccountMonitoredReceiver', {
      query: { sessionId, serialNumber: SERIAL },
    })
    receiverId = expectBareUuid(first)
    const again = await share('Publisher/ReplacePublisherAccountMonitoredReceiver', {
      query: { sessionId, serialNumber: SERIAL },
    })
    expect(again.text).toBe(first.text)
  })

  it('accepts PostReceiverEgvRecords with HTTP 200 and an empty body', async () => {
    const answer = await share('Publisher/PostReceiverEgvRecords', {
      query: { sessionId },
      body: {
        SN: SERIAL,
        TA: -5,
        Egvs: [
          // Community uploaders: DT equal to ST.
          { Trend: 4, ST: `/Date(${t1})/`, DT: `/Date(${t1})/`, Value: 118 },
          // A DT with a zone suffix.
          { Trend: 3, ST: `/Date(${t2})/`, DT: `/Date(${t2}-0500)/`, Value: 125 },
          // The official app: local time in DT, no suffix; Spike's extra direction key.
          {
            Trend: 'SingleUp',
            ST: `/Date(${t3})/`,
            DT: `/Date(${t3 + 60 * 60_000})/`,
            Value: 131,
            direction: 'SingleUp',
          },
        ],
      },
    })
    expectEmpty200(answer)
  })

  it('reads the readings back newest first, keys in wire order, in Date(ms) forms', async () => {
    const answer = await share('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId, minutes: 60, maxCount: 10 },
    })
    expect(answer.status).toBe(200)
    expect(answer.contentType).toMatch(/^application\/json/)
    expect(answer.text).toBe(
      '[' +
        `{"WT":"Date(${t3})","ST":"Date(${t3})","DT":"Date(${t3}+0100)","Value":131,"Trend":"SingleUp"},` +
        `{"WT":"Date(${t2})","ST":"Date(${t2})","DT":"Date(${t2}-0500)","Value":125,"Trend":"FortyFiveUp"},` +
        `{"WT":"Date(${t1})","ST":"Date(${t1})","DT":"Date(${t1}+0000)","Value":118,"Trend":"Flat"}` +
        ']',
    )
  })

  it('answers maxCount=1 with only the newest reading', async () => {
    const answer = await share('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionID: sessionId, minutes: 1440, maxCount: 1 },
      body: {},
    })
    expect(answer.status).toBe(200)
    expect(answer.text).toBe(
      `[{"WT":"Date(${t3})","ST":"Date(${t3})","DT":"Date(${t3}+0100)","Value":131,"Trend":"SingleUp"}]`,
    )
  })

  it('answers a repeated upload with the DuplicateEgvPosted fault envelope', async () => {
    const answer = await share('Publisher/PostReceiverEgvRecords', {
      query: { sessionId },
      body: { SN: SERIAL, TA: -5, Egvs: [{ Trend: 4, ST: `/Date(${t1})/`, Value: 118 }] },
    })
    expectFault(answer, 'DuplicateEgvPosted')
  })

  it('answers an unknown session id with the SessionIdNotFound fault envelope', async () => {
    const answer = await share('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId: '0f0e0d0c-0b0a-4908-8706-050403020100', minutes: 60, maxCount: 1 },
    })
    expectFault(answer, 'SessionIdNotFound')
  })

  it('answers a session id that is not a UUID with HTTP 400', async () => {
    const answer = await share('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId: 'not-a-session', minutes: 60, maxCount: 1 },
    })
    expect(answer.status).toBe(400)
  })

  it('adds and lists accounts in the same database while the server runs, and the new account logs in at once', async () => {
    const added = await cli(
      ['accounts', 'add', '--username', 'e2e_second', '--password-stdin', '--db', dbPath, '--json'],
      'e2e-second-passphrase',
    )
    expect(added.stderr).toBe('')
    expect(added.code).toBe(0)
    const secondId = (JSON.parse(added.stdout) as { accountId: string }).accountId

    const listed = await cli(['accounts', 'list', '--db', dbPath, '--json'])
    expect(listed.code).toBe(0)
    const rows = JSON.parse(listed.stdout) as { accountId: string; username: string }[]
    expect(rows.map((row) => [row.username, row.accountId])).toStrictEqual([
      [USERNAME, accountId],
      ['e2e_second', secondId],
    ])

    const authenticated = await share('General/AuthenticatePublisherAccount', {
      body: {
        accountName: 'e2e_second',
        password: 'e2e-second-passphrase',
        applicationId: APPLICATION_ID,
      },
    })
    expect(expectBareUuid(authenticated)).toBe(secondId)
    const login = await share('General/LoginPublisherAccountById', {
      body: {
        accountId: secondId,
        password: 'e2e-second-passphrase',
        applicationId: APPLICATION_ID,
      },
    })
    const secondSession = expectBareUuid(login)
    const reads = await share('Publisher/ReadPublisherLatestGlucoseValues', {
      query: { sessionId: secondSession, minutes: 1440, maxCount: 288 },
    })
    expect(reads.status).toBe(200)
    expect(reads.text).toBe('[]')
  })

  it('stops on SIGTERM with exit code 0 and keeps every acknowledged reading', async () => {
    expect(await stopServer()).toBe(0)

    const listed = await cli(['accounts', 'list', '--db', dbPath])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain(accountId)
    expect(listed.stdout).toContain(USERNAME)

    const store = new SqliteStore({ path: dbPath })
    try {
      await store.migrate()
      const account = await store.findAccountById(accountId)
      expect(account?.username).toBe(USERNAME)
      const readings = await store.readLatest(account?.key ?? -1, 0, 100)
      expect(readings).toStrictEqual([
        { systemTime: t3, offsetMinutes: 60, value: 131, trend: 2 },
        { systemTime: t2, offsetMinutes: -300, value: 125, trend: 3 },
        { systemTime: t1, offsetMinutes: 0, value: 118, trend: 4 },
      ])
      const monitoring = await store.readMonitoring(account?.key ?? -1)
      expect(monitoring.active).toBe(true)
      expect(monitoring.receiver).toStrictEqual({ id: receiverId, serialNumber: SERIAL })
    } finally {
      await store.close()
    }
  })

  it('never writes a session id or a password to its log', () => {
    // The log must show the requests, or the absence checks below would prove nothing.
    expect(serverLog).toContain('PostReceiverEgvRecords')
    expect(serverLog).toContain('shutting down')
    expect(sessionId).not.toBe('')
    for (const secret of [
      sessionId,
      sessionId.toUpperCase(),
      PASSWORD,
      'e2e-second-passphrase',
      'not-the-password',
    ]) {
      expect(serverLog).not.toContain(secret)
    }
  })
})
