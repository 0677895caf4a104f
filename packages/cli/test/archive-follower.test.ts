/**
The archive's follower against a real glucoshare server on a real socket, with one manual clock
shared by the server and the follower: a simulated sensor uploads every 5 minutes, and the test
moves the clock from one upload or due poll to the next, so hours pass without any sleeping.
Covers the outage gap fill (uploads stop and resume, the archive down for hours, readings
backfilled late), exactly-once storage, session expiry, lockout back-off, refused logins, error
back-off, the runner's loop and the Prometheus metrics with their staleness omission.
*/
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  DEXCOM_APPLICATION_ID,
  NetworkError,
  ShareClient,
  isAccountLockedError,
} from '@glucoshare/sdk'
import { ManualClock, startTestServer, type TestServer } from '../../server/src/test-support.js'
import { AccountFollower, type ArchiveEvent } from '../src/archive/account-follower.js'
import { ArchiveMetrics, startMetricsServer } from '../src/archive/archive-metrics.js'
import { ArchiveRunner } from '../src/archive/archive-runner.js'
import type { ArchiveScheduler } from '../src/archive/archive-scheduler.js'
import { ArchiveStore } from '../src/archive/archive-store.js'
import { exportChunks } from '../src/export/export-chunks.js'
import { parse } from 'csv-parse/sync'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const SERIAL = 'SM40400404'
// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'archive-test-passphrase-not-secret'
const START = Date.UTC(2026, 0, 10, 8, 0, 3)
// The phone uploads each reading this long after the sensor took it.
const UPLOAD_DELAY = 15 * SECOND

/** The sensor: one reading every 5 minutes, uploaded UPLOAD_DELAY later unless offline. */
class Sensor {
  readonly produced: number[] = []
  readonly #backlog: number[] = []
  readonly #uploader: ShareClient
  #next: number
  offline = false
  constructor(uploader: ShareClient, first: number) {
    this.#uploader = uploader
    this.#next = first
  }
  /** When the next upload happens. */
  get nextUploadAt(): number {
    return this.#next + UPLOAD_DELAY
  }
  /** Takes the due reading; uploads it unless offline, keeping it for later while locked out. */
  async tick(): Promise<void> {
    const time = this.#next
    this.#next += 5 * MINUTE
    this.produced.push(time)
    this.#backlog.push(time)
    if (this.offline) return
    try {
      await this.upload(this.#backlog)
      this.#backlog.splice(0)
    } catch (error) {
      if (!isAccountLockedError(error)) throw error
    }
  }
  /** Back online: uploads what was missed, newest first when `newestFirst`, like late backfill. */
  async reconnect({ newestFirst = false } = {}): Promise<number[]> {
    this.offline = false
    const backlog = this.#backlog.splice(0)
    if (newestFirst && backlog.length > 1) {
      await this.upload(backlog.slice(-1))
      return backlog.slice(0, -1)
    }
    await this.upload(backlog)
    return []
  }
  async upload(times: readonly number[]): Promise<void> {
    if (times.length === 0) return
    await this.#uploader.postReadings(
      SERIAL,
      times.map((t) => ({ date: t, mgDl: mgDlAt(t), trend: 4, utcOffsetMinutes: 60 })),
    )
  }
}

function mgDlAt(time: number): number {
  return 80 + (Math.floor(time / (5 * MINUTE)) % 200)
}

let dir = ''
let clock: ManualClock
let server: TestServer
let url = ''
let store: ArchiveStore
let events: ArchiveEvent[]
let logins: number

async function setUp(config: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  clock = new ManualClock(START)
  server = await startTestServer({ ...config, clock })
  await server.app.listen({ port: 0, host: '127.0.0.1' })
  url = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`
  await server.addAccount({ username: 'alice', password: PASSWORD })
  store = ArchiveStore.open(join(dir, 'archive.db'))
  events = []
  logins = 0
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-archive-follow-'))
})

afterEach(async () => {
  store?.close()
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

async function newSensor(first = START): Promise<Sensor> {
  const uploader = new ShareClient({ baseUrl: url, username: 'alice', password: PASSWORD })
  await uploader.assignReceiver(SERIAL)
  await uploader.startMonitoringSession(SERIAL)
  return new Sensor(uploader, first)
}

/** A follower reading alice over the socket; counts its logins. */
function newFollower({
  password = PASSWORD,
  random = () => 0.5,
}: { password?: string; random?: () => number } = {}): AccountFollower {
  const countingFetch: typeof fetch = (input, init) => {
    if (String(input).includes('LoginPublisherAccountById')) logins += 1
    return fetch(input, init)
  }
  const client = new ShareClient({
    baseUrl: url,
    username: 'alice',
    password,
    fetch: countingFetch,
  })
  return new AccountFollower({
    source: 'alice',
    client,
    host: new URL(url).host,
    store,
    scheduler: clock,
    random,
    onEvent: (event) => events.push(event),
  })
}

/**
Moves the clock event by event until `until`: sensor uploads and due polls, in time order.
`hooks` run when the clock reaches their time. Answers how many polls ran.
*/
async function drive(
  follower: AccountFollower | undefined,
  sensor: Sensor,
  until: number,
  hooks: { at: number; run: () => Promise<void> | void }[] = [],
): Promise<number> {
  let polls = 0
  const pending = [...hooks].sort((a, b) => a.at - b.at)
  for (;;) {
    const pollAt = follower?.status.nextPollAt ?? Number.POSITIVE_INFINITY
    const hookAt = pending[0]?.at ?? Number.POSITIVE_INFINITY
    const t = Math.min(sensor.nextUploadAt, pollAt, hookAt)
    if (t > until) break
    clock.set(Math.max(t, clock.now()))
    if (t === hookAt) await pending.shift()!.run()
    else if (t === sensor.nextUploadAt) await sensor.tick()
    else {
      await follower!.poll()
      polls += 1
    }
  }
  clock.set(until)
  return polls
}

function archivedTimes(): number[] {
  return [...store.range({ source: 'alice' })].map((r) => r.systemTime)
}

function errors(): Extract<ArchiveEvent, { type: 'error' }>[] {
  return events.filter((e): e is Extract<ArchiveEvent, { type: 'error' }> => e.type === 'error')
}

describe('archive follower against a glucoshare server', () => {
  beforeEach(async () => {
    await setUp()
  })

  it('stores every reading once, with value, trend and offset, polling when each is due', async () => {
    const sensor = await newSensor()
    const follower = newFollower()
    const polls = await drive(follower, sensor, START + 2 * HOUR)
    expect(archivedTimes()).toEqual(sensor.produced.filter((t) => t + UPLOAD_DELAY <= clock.now()))
    const newest = store.newest('alice')!
    expect(newest).toEqual({
      source: 'alice',
      systemTime: sensor.produced.at(-1),
      offsetMinutes: 60,
      value: mgDlAt(newest.systemTime),
      trend: 4,
    })
    // About one poll per reading: due at reading + 5 min 20 s (+ jitter), after the 40 s upload.
    expect(polls).toBeLessThanOrEqual(sensor.produced.length + 2)
    expect(errors()).toEqual([])
    expect(follower.status.state).toBe('following')
    const due = follower.status.nextPollAt! - newest.systemTime
    expect(due).toBeGreaterThanOrEqual(5 * MINUTE + 20 * SECOND)
    expect(due).toBeLessThanOrEqual(5 * MINUTE + 40 * SECOND)
  })

  it('fills a gap of several hours when uploads stop and resume, without duplicates', async () => {
    const sensor = await newSensor()
    const follower = newFollower()
    await drive(follower, sensor, START + HOUR)
    sensor.offline = true
    const pollsDuringOutage = await drive(follower, sensor, START + 6 * HOUR)
    // A few quick retries, then one poll per 5-minute cadence: no tight loop.
    expect(pollsDuringOutage).toBeLessThanOrEqual((5 * HOUR) / (5 * MINUTE) + 6)
    expect(follower.status.state).toBe('waiting')
    await sensor.reconnect()
    await drive(follower, sensor, START + 7 * HOUR)
    const times = archivedTimes()
    expect(times).toEqual(sensor.produced.filter((t) => t + UPLOAD_DELAY <= clock.now()))
    expect(new Set(times).size).toBe(times.length)
    expect(store.count({ source: 'alice' })).toBe(times.length)
    expect(follower.status.state).toBe('following')
    // The export, read back by a CSV parser, shows every reading exactly once, in order.
    const csv = [...exportChunks(store.range({ source: 'alice' }), { format: 'csv', bom: false })]
    const rows = parse(csv.join(''), { columns: true }) as { utc_time: string; mg_dl: string }[]
    expect(rows.map((row) => Date.parse(row.utc_time))).toEqual(times)
    expect(rows.map((row) => Number(row.mg_dl))).toEqual(times.map((t) => mgDlAt(t)))
  })

  it('re-reads a hole that is backfilled after newer readings arrived', async () => {
    const sensor = await newSensor()
    const follower = newFollower()
    await drive(follower, sensor, START + HOUR)
    sensor.offline = true
    await drive(follower, sensor, START + 4 * HOUR)
    // The newest reading arrives first; the backlog only 20 minutes later.
    let backlog: number[] = []
    await drive(follower, sensor, START + 6 * HOUR, [
      {
        at: START + 4 * HOUR + MINUTE,
        run: async () => void (backlog = await sensor.reconnect({ newestFirst: true })),
      },
      { at: START + 4 * HOUR + 21 * MINUTE, run: () => sensor.upload(backlog) },
    ])
    expect(backlog.length).toBeGreaterThan(30)
    expect(archivedTimes()).toEqual(sensor.produced.filter((t) => t + UPLOAD_DELAY <= clock.now()))
  })

  it('fills the gap when the archive itself was down for hours (restart)', async () => {
    const sensor = await newSensor()
    await drive(newFollower(), sensor, START + HOUR)
    await drive(undefined, sensor, START + 9 * HOUR)
    const restarted = newFollower()
    expect(restarted.status.newest?.systemTime).toBeLessThan(START + HOUR)
    await restarted.poll()
    expect(events.at(-1)).toMatchObject({ type: 'polled', minutes: 1440 })
    expect(archivedTimes()).toEqual(sensor.produced)
    expect(store.count({})).toBe(sensor.produced.length)
  })

  it('keeps only the last 24 hours after a longer absence, as Share allows', async () => {
    const sensor = await newSensor()
    await drive(newFollower(), sensor, START + HOUR)
    const before = archivedTimes()
    await drive(undefined, sensor, START + 31 * HOUR)
    await newFollower().poll()
    // The newest 288 readings: all of the last 24 hours at the 5-minute cadence.
    expect(archivedTimes()).toEqual([...before, ...sensor.produced.slice(-288)])
    expect(sensor.produced.slice(-288)[0]).toBeGreaterThanOrEqual(clock.now() - 24 * HOUR)
  })
})

describe('sessions, lockouts and refused logins', () => {
  it('renews an expired session in the middle of archiving without an error', async () => {
    await setUp({ config: { sessionTtlMs: HOUR } })
    const sensor = await newSensor()
    const follower = newFollower()
    await drive(follower, sensor, START + 3 * HOUR + 10 * MINUTE)
    expect(errors()).toEqual([])
    expect(logins).toBeGreaterThanOrEqual(4)
    expect(logins).toBeLessThanOrEqual(5)
    expect(archivedTimes()).toEqual(sensor.produced.filter((t) => t + UPLOAD_DELAY <= clock.now()))
  })

  it('backs off for longer than the lock when Share locks the account, then catches up', async () => {
    await setUp({ config: { sessionTtlMs: HOUR, lockoutWindowMs: 15 * MINUTE } })
    const sensor = await newSensor()
    const follower = newFollower()
    const lockAt = START + HOUR - 2 * MINUTE
    await drive(follower, sensor, START + 3 * HOUR, [
      {
        at: lockAt,
        // Someone else types a wrong password six times, just before the session expires.
        run: async () => {
          const account = await server.store.findAccountByLogin('alice')
          for (let i = 0; i < 6; i++) {
            await server.call('General/LoginPublisherAccountById', {
              body: {
                accountId: account!.id,
                password: 'wrong',
                applicationId: DEXCOM_APPLICATION_ID,
              },
            })
          }
        },
      },
    ])
    const failures = errors()
    expect(failures.map((e) => e.kind)).toEqual(['locked'])
    expect(failures[0]!.message).toMatch(/locked the account/)
    // One login attempt fell into the lock; the next came after it had passed (20 min × 1.1).
    const lockedPoll = failures[0]!.status
    expect(lockedPoll.state).toBe('locked')
    expect(lockedPoll.nextPollAt! - lockAt).toBeGreaterThan(15 * MINUTE)
    expect(follower.status.state).toBe('following')
    expect(archivedTimes()).toEqual(sensor.produced.filter((t) => t + UPLOAD_DELAY <= clock.now()))
  })

  it('stops an account whose login is refused, after one attempt, and says why', async () => {
    await setUp()
    const follower = newFollower({ password: 'not-the-password' })
    const runner = new ArchiveRunner(
      [follower],
      virtualScheduler(async () => {}),
    )
    expect(await runner.run(new AbortController().signal)).toBe('stopped')
    expect(logins).toBe(0) // AuthenticatePublisherAccount refused it before LoginById
    expect(follower.status).toMatchObject({ state: 'stopped', nextPollAt: undefined })
    const stopped = events.find((e) => e.type === 'stopped')
    expect(stopped?.message).toMatch(/refused the login: wrong username\/password/)
    expect(stopped?.message).toMatch(/stopped following alice/)
    expect(JSON.stringify(events)).not.toContain('not-the-password')
  })
})

describe('back-off, runner and metrics', () => {
  beforeEach(async () => {
    await setUp()
  })

  it('backs off exponentially with jitter on network errors, then resumes', async () => {
    let failing = true
    const real = new ShareClient({ baseUrl: url, username: 'alice', password: PASSWORD })
    const follower = new AccountFollower({
      source: 'alice',
      host: 'share.example.org',
      store,
      scheduler: clock,
      random: () => 0.5,
      onEvent: (event) => events.push(event),
      client: {
        getGlucoseReadings: (options) =>
          failing
            ? Promise.reject(new NetworkError('x', { code: 'NetworkError', operation: 'Read' }))
            : real.getGlucoseReadings(options),
      },
    })
    const waits: number[] = []
    for (let i = 0; i < 8; i++) {
      const before = clock.now()
      await follower.poll()
      waits.push(follower.status.nextPollAt! - before)
      clock.set(follower.status.nextPollAt!)
    }
    // 30 s doubling, capped at 15 min, with equal jitter at 0.5 → three quarters of each step.
    expect(waits).toEqual([22.5, 45, 90, 180, 360, 675, 675, 675].map((s) => s * SECOND))
    expect(
      errors().every(
        (e) => e.kind === 'network' && /cannot reach share\.example\.org/.test(e.message),
      ),
    ).toBe(true)
    failing = false
    await follower.poll()
    expect(follower.status.state).toBe('waiting')
    expect(follower.status.lastError).toBeUndefined()
  })

  it('runs several followers in one loop until stopped', async () => {
    await server.addAccount({ username: 'bob', password: PASSWORD })
    const sensor = await newSensor()
    const bob = new ShareClient({ baseUrl: url, username: 'bob', password: PASSWORD })
    await bob.assignReceiver('SM50500505')
    await bob.startMonitoringSession('SM50500505')
    await bob.postReadings('SM50500505', [{ date: START - MINUTE, mgDl: 140, trend: 'Flat' }])
    const followers = [
      newFollower(),
      new AccountFollower({
        source: 'bob',
        client: bob,
        host: 'x',
        store,
        scheduler: clock,
        onEvent: (event) => events.push(event),
      }),
    ]
    const controller = new AbortController()
    const end = START + 90 * MINUTE
    const scheduler = virtualScheduler(async (wake) => {
      while (sensor.nextUploadAt <= wake) {
        clock.set(sensor.nextUploadAt)
        await sensor.tick()
      }
      if (wake >= end) controller.abort()
    })
    expect(await new ArchiveRunner(followers, scheduler).run(controller.signal)).toBe('aborted')
    expect(archivedTimes()).toEqual(sensor.produced.filter((t) => t + UPLOAD_DELAY <= end))
    expect(store.count({ source: 'bob' })).toBe(1)
    expect(store.sources()).toEqual(['alice', 'bob'])
  })

  it('serves metrics over HTTP and omits the value and trend of a stale reading', async () => {
    const sensor = await newSensor()
    const follower = newFollower()
    const metrics = new ArchiveMetrics({
      statuses: () => [follower.status],
      now: () => clock.now(),
      staleMs: 15 * MINUTE,
    })
    const endpoint = await startMetricsServer(metrics.registry, { port: 0, host: '127.0.0.1' })
    try {
      await drive(follower, sensor, START + 30 * MINUTE)
      for (const event of events) metrics.record(event)
      const newest = store.newest('alice')!
      let samples = await scrape(endpoint.url)
      expect(samples.get('glucoshare_glucose_mgdl{source="alice"}')).toBe(newest.value)
      expect(samples.get('glucoshare_glucose_trend{source="alice"}')).toBe(4)
      expect(samples.get('glucoshare_glucose_age_seconds{source="alice"}')).toBe(
        (clock.now() - newest.systemTime) / 1000,
      )
      expect(samples.get('glucoshare_archive_readings_stored_total{source="alice"}')).toBe(
        store.count({}),
      )
      expect(samples.get('glucoshare_archive_following{source="alice"}')).toBe(1)

      metrics.record({
        type: 'error',
        source: 'alice',
        kind: 'network',
        message: 'm',
        status: follower.status,
      })
      clock.set(newest.systemTime + 15 * MINUTE + SECOND)
      samples = await scrape(endpoint.url)
      expect(samples.has('glucoshare_glucose_mgdl{source="alice"}')).toBe(false)
      expect(samples.has('glucoshare_glucose_trend{source="alice"}')).toBe(false)
      expect(samples.get('glucoshare_glucose_age_seconds{source="alice"}')).toBe(15 * 60 + 1)
      expect(
        samples.get('glucoshare_archive_poll_errors_total{source="alice",kind="network"}'),
      ).toBe(1)
      expect((await fetch(endpoint.url.replace('/metrics', '/other'))).status).toBe(404)
    } finally {
      await endpoint.close()
    }
  })
})

/** Sleeps in virtual time: runs `during` up to the wake time, then sets the clock to it. */
function virtualScheduler(during: (wake: number) => Promise<void>): ArchiveScheduler {
  return {
    now: () => clock.now(),
    async sleep(ms) {
      const wake = clock.now() + ms
      await during(wake)
      clock.set(Math.max(wake, clock.now()))
    },
  }
}

/** Scrapes and parses the exposition text: `name{labels} value` → value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const response = await fetch(url)
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  const samples = new Map<string, number>()
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = /^(\S+?(?:\{[^}]*\})?) (\S+)$/.exec(line)
    expect(match, line).not.toBeNull()
    samples.set(match![1]!, Number(match![2]))
  }
  return samples
}
