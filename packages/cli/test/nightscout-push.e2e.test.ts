/**
`glucoshare nightscout push` against a local Nightscout stand-in (node:http on a random port)
that checks the `api-secret` header and records every entry: entry shapes, batches, the cursor
that keeps each reading to one upload across runs, secrets, retries, and live reads from a real
glucoshare server. Needs `npx tsc -b` first, as `npm test` does.
*/
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { ShareClient } from '@glucoshare/sdk'
import { SqliteStore, createAccount, serve, type RunningServer } from '@glucoshare/server'
import { ArchiveStore, type ArchivedReading } from '../src/archive/archive-store.js'
import { NightscoutError, postEntries } from '../src/nightscout/post-entries.js'
import { parseNightscoutSite } from '../src/nightscout/nightscout-site.js'
import { BIN, cleanEnv, runCli, type CliResult } from './run-cli.js'

// A cheap scrypt cost keeps fixture logins fast; the server reads the cost from each hash.
const FIXTURE_SCRYPT_COST = 1024
// Test-only secrets; nothing here resembles a real one.
const SECRET = 'push-test-api-secret-not-real'
const SECRET_HASH = createHash('sha1').update(SECRET).digest('hex')
const PASSWORD = 'push-test-passphrase-not-secret'
const T0 = Date.UTC(2026, 10, 23, 8, 0, 0)
const MIN = 60_000

interface Received {
  readonly path: string
  readonly secret: string | undefined
  readonly entries: Record<string, unknown>[]
}

/** Answers queued statuses first, then 200; refuses a wrong api-secret with 401 as Nightscout does. */
class Receiver {
  readonly requests: Received[] = []
  readonly statuses: number[] = []
  server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const secret = request.headers['api-secret'] as string | undefined
      const entries = JSON.parse(
        Buffer.concat(chunks).toString('utf8') || '[]',
      ) as Received['entries']
      const queued = this.statuses.shift()
      const status = queued ?? (secret === SECRET_HASH ? 200 : 401)
      if (status === 200) this.requests.push({ path: request.url ?? '', secret, entries })
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(
        status === 200
          ? JSON.stringify(entries)
          : JSON.stringify({ status, message: `Status ${status}` }),
      )
    })
  })
  url = ''
  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }
  get entries(): Record<string, unknown>[] {
    return this.requests.flatMap((r) => r.entries)
  }
  reset(): void {
    this.requests.length = 0
    this.statuses.length = 0
  }
}

let dir = ''
let archive = ''
const receiver = new Receiver()
let share: RunningServer | undefined

function reading(source: string, i: number, trend = 4, offsetMinutes = -300): ArchivedReading {
  return { source, systemTime: T0 + i * 5 * MIN, offsetMinutes, value: 100 + i, trend }
}

function archiveInsert(readings: readonly ArchivedReading[], path = archive): void {
  const store = ArchiveStore.open(path)
  store.insert(readings)
  store.close()
}

function push(
  args: readonly string[],
  options: { input?: string; secret?: string | null } = {},
): Promise<CliResult> {
  const secret = options.secret === undefined ? SECRET : options.secret
  return runCli(['nightscout', 'push', '--url', receiver.url, ...args], {
    cwd: dir,
    input: options.input ?? '',
    env: { XDG_CONFIG_HOME: dir, ...(secret !== null ? { NIGHTSCOUT_API_SECRET: secret } : {}) },
  })
}

function expectNoSecret(result: CliResult): void {
  const printed = `${result.stdout}${result.stderr}`
  for (const secret of [SECRET, SECRET_HASH, PASSWORD]) expect(printed).not.toContain(secret)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-ns-push-'))
  archive = join(dir, 'archive.db')
  archiveInsert([
    reading('alice', 0, 4),
    reading('alice', 1, 3),
    reading('alice', 2, 8),
    reading('alice', 3, 9),
    reading('alice', 4, 0),
    reading('bob', 0, 5, 60),
  ])
  await receiver.start()
})

afterAll(async () => {
  receiver.server.close()
  await share?.close()
  rmSync(dir, { recursive: true, force: true })
})

beforeEach(() => receiver.reset())

describe('glucoshare nightscout push (from the archive)', () => {
  it('uploads entries shaped as the Share bridges write them, with the SHA-1 of the secret', async () => {
    const result = await push(['--archive', archive, '--source', 'alice'])
    // Plain http to this computer is fine: the secret's hash never leaves it.
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /uploaded 5 readings of alice to 127\.0\.0\.1:\d+ in 1 request \(newest: 2026-11-23T08:20:00\.000Z\)/,
    )
    expectNoSecret(result)
    expect(receiver.requests).toHaveLength(1)
    expect(receiver.requests[0]).toMatchObject({ path: '/api/v1/entries', secret: SECRET_HASH })
    expect(receiver.entries[0]).toStrictEqual({
      type: 'sgv',
      sgv: 100,
      date: T0,
      dateString: '2026-11-23T08:00:00.000Z',
      trend: 4,
      direction: 'Flat',
      device: 'glucoshare',
      sysTime: '2026-11-23T08:00:00.000Z',
      utcOffset: -300,
    })
    expect(receiver.entries.map((e) => [e['sgv'], e['trend'], e['direction']])).toStrictEqual([
      [100, 4, 'Flat'],
      [101, 3, 'FortyFiveUp'],
      [102, 8, 'NOT COMPUTABLE'],
      [103, 9, 'RATE OUT OF RANGE'],
      [104, 0, 'NONE'],
    ])
  })

  it('sends nothing twice across runs: only readings archived since the last push go', async () => {
    const again = await push(['--archive', archive, '--source', 'alice'])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(
      /nothing new for alice on 127\.0\.0\.1:\d+ \(newest uploaded: 2026-11-23T08:20:00\.000Z\)/,
    )
    expect(receiver.requests).toHaveLength(0)
    archiveInsert([reading('alice', 5), reading('alice', 6), reading('alice', 2)])
    const more = await push(['--archive', archive, '--source', 'alice', '--device', 'rig-1'])
    expect(more.code).toBe(0)
    expect(receiver.entries.map((e) => [e['date'], e['device']])).toStrictEqual([
      [T0 + 25 * MIN, 'rig-1'],
      [T0 + 30 * MIN, 'rig-1'],
    ])
  })

  it('uploads in batches of --batch-size, keeping a cursor per source', async () => {
    archiveInsert([1, 2, 3, 4].map((i) => reading('bob', i, 5, 60)))
    const result = await push(['--archive', archive, '--source', 'bob', '--batch-size', '2'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/uploaded 5 readings of bob .* in 3 requests/)
    expect(receiver.requests.map((r) => r.entries.length)).toStrictEqual([2, 2, 1])
    expect(receiver.entries.map((e) => e['utcOffset'])).toStrictEqual([60, 60, 60, 60, 60])
  })

  it('reads the secret from standard input with --api-secret-stdin', async () => {
    archiveInsert([reading('alice', 7)])
    const result = await push(['--archive', archive, '--source', 'alice', '--api-secret-stdin'], {
      input: `${SECRET}\n`,
      secret: null,
    })
    expect(result.code).toBe(0)
    expect(receiver.requests.map((r) => r.secret)).toStrictEqual([SECRET_HASH])
    expect(receiver.entries.map((e) => e['sgv'])).toStrictEqual([107])
  })

  it('explains a refused secret (401) and keeps the readings for the next run', async () => {
    archiveInsert([reading('alice', 8)])
    const refused = await push(['--archive', archive, '--source', 'alice'], {
      secret: 'wrong-secret-not-real',
    })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /glucoshare: 127\.0\.0\.1:\d+ refused the API secret \(HTTP 401\): give the site's API_SECRET/,
    )
    expect(refused.stderr).not.toContain('wrong-secret-not-real')
    expect(refused.stderr).not.toMatch(/\n\s+at /)
    const retried = await push(['--archive', archive, '--source', 'alice'])
    expect(retried.code).toBe(0)
    expect(receiver.entries.map((e) => e['sgv'])).toStrictEqual([108])
  })

  it('refuses bad or missing options with exit 2', async () => {
    const results = await Promise.all([
      push(['--archive', archive]),
      push(['--archive', archive, '--source', 'alice'], { secret: null }),
      push(['--archive', join(dir, 'none.db'), '--source', 'alice']),
      push(['--archive', archive, '--source', 'carol']),
      runCli(
        ['nightscout', 'push', '--url', 'https://ns.example/?token=abc', '--archive', archive],
        {
          cwd: dir,
          env: { NIGHTSCOUT_API_SECRET: SECRET },
        },
      ),
      push(['--archive', archive, '--source', 'alice', '--batch-size', '0']),
    ])
    const messages = [
      /several sources \(alice, bob\): say which with --source/,
      /no Nightscout API secret: set NIGHTSCOUT_API_SECRET or pipe it in with --api-secret-stdin/,
      /no archive at .*none\.db/,
      /has no source "carol"; its sources: alice, bob/,
      /--url must be the plain site address, without user, password, \?query or #fragment/,
      /--batch-size must be a whole number from 1 to 1000/,
    ]
    results.forEach((result, i) => {
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(messages[i]!)
      expectNoSecret(result)
    })
    expect(receiver.requests).toHaveLength(0)
  })
})

describe('postEntries', () => {
  const entry = {
    type: 'sgv',
    sgv: 100,
    date: T0,
    dateString: '',
    trend: 4,
    direction: 'Flat',
    device: 'x',
    sysTime: '',
    utcOffset: 0,
  } as const

  it('retries 5xx answers with growing waits, then succeeds', async () => {
    receiver.statuses.push(503, 502)
    const waits: number[] = []
    await postEntries(parseNightscoutSite(receiver.url), SECRET_HASH, [entry], {
      sleep: async (ms) => void waits.push(ms),
    })
    expect(waits).toStrictEqual([1000, 2000])
    expect(receiver.requests).toHaveLength(1)
  })

  it('gives up after the last attempt with a retryable error', async () => {
    receiver.statuses.push(500, 500, 500)
    const failure = postEntries(parseNightscoutSite(receiver.url), SECRET_HASH, [entry], {
      attempts: 3,
      sleep: async () => undefined,
    })
    await expect(failure).rejects.toThrow(/answered HTTP 500: Status 500; gave up after 3 attempts/)
    await expect(failure).rejects.toMatchObject({ retryable: true })
  })

  it('retries an unreachable site, and does not retry a 400', async () => {
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const port = (closed.address() as AddressInfo).port
    closed.close()
    const waits: number[] = []
    await expect(
      postEntries(parseNightscoutSite(`http://127.0.0.1:${port}`), SECRET_HASH, [entry], {
        attempts: 2,
        sleep: async (ms) => void waits.push(ms),
      }),
    ).rejects.toThrow(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
    expect(waits).toStrictEqual([1000])
    receiver.statuses.push(400)
    const rejected = postEntries(parseNightscoutSite(receiver.url), SECRET_HASH, [entry], {
      sleep: () => Promise.reject(new Error('must not wait')),
    })
    await expect(rejected).rejects.toBeInstanceOf(NightscoutError)
    await expect(rejected).rejects.toMatchObject({
      retryable: false,
      message: expect.stringMatching(/HTTP 400: Status 400$/) as unknown,
    })
  })
})

describe('glucoshare nightscout push --live / --follow', () => {
  let url = ''
  const liveArchive = () => join(dir, 'live.db')

  beforeAll(async () => {
    const store = new SqliteStore({ path: join(dir, 'server.sqlite') })
    await store.migrate()
    await createAccount(
      store,
      { username: 'live_pat', password: PASSWORD },
      Date.now(),
      FIXTURE_SCRYPT_COST,
    )
    share = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
    url = share.url
    const now = Math.floor(Date.now() / 1000) * 1000
    const client = new ShareClient({ baseUrl: url, username: 'live_pat', password: PASSWORD })
    await client.assignReceiver('SM77778888')
    await client.startMonitoringSession('SM77778888')
    await client.postReadings('SM77778888', [
      { date: new Date(now - 10 * MIN), mgDl: 140, trend: 'SingleUp', utcOffsetMinutes: 120 },
      { date: new Date(now - 5 * MIN), mgDl: 150, trend: 'FortyFiveUp', utcOffsetMinutes: 120 },
    ])
  })

  const liveArgs = () => ['--server', url, '--username', 'live_pat', '--archive', liveArchive()]

  it("uploads a Share account's readings once, keeping the cursor in the archive file", async () => {
    const env = { GLUCOSHARE_PASSWORD: PASSWORD }
    const first = await runCli(
      ['nightscout', 'push', '--url', receiver.url, '--live', ...liveArgs()],
      {
        cwd: dir,
        env: { ...env, NIGHTSCOUT_API_SECRET: SECRET },
      },
    )
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/uploaded 2 readings of live_pat/)
    expectNoSecret(first)
    expect(receiver.entries.map((e) => [e['sgv'], e['direction'], e['utcOffset']])).toStrictEqual([
      [140, 'SingleUp', 120],
      [150, 'FortyFiveUp', 120],
    ])
    const second = await runCli(
      ['nightscout', 'push', '--url', receiver.url, '--live', ...liveArgs()],
      {
        cwd: dir,
        env: { ...env, NIGHTSCOUT_API_SECRET: SECRET },
      },
    )
    expect(second.stdout).toMatch(/nothing new for live_pat/)
    expect(receiver.requests).toHaveLength(1)
  })

  it('refuses two secrets on standard input', async () => {
    const result = await push(['--live', '--api-secret-stdin', '--password-stdin', ...liveArgs()])
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/cannot both read standard input/)
  })

  it('keeps following with --follow until stopped', async () => {
    const child = spawn(
      process.execPath,
      [
        BIN,
        'nightscout',
        'push',
        '--url',
        receiver.url,
        '--follow',
        ...liveArgs(),
        '--source',
        'followed',
      ],
      { cwd: dir, env: cleanEnv({ GLUCOSHARE_PASSWORD: PASSWORD, NIGHTSCOUT_API_SECRET: SECRET }) },
    )
    let stdout = ''
    child.stdout.setEncoding('utf8')
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk
        if (/uploaded 2 readings of followed/.test(stdout)) resolve()
      })
      child.on('exit', () => reject(new Error(`exited early: ${stdout}`)))
    })
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
    expect(receiver.entries.map((e) => e['sgv'])).toStrictEqual([140, 150])
  })
})
