/**
`glucoshare archive serve` over a real socket: the spreadsheet endpoints (CSV, JSON, NDJSON by
time range), Nightscout's API v1 entries endpoints with `find[...]` bounds, and clear JSON errors.
The last tests run the built command (`npx tsc -b` first).
*/
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ArchiveStore, type ArchivedReading } from '../src/archive/archive-store.js'
import { createArchiveServer } from '../src/archive-server/archive-server.js'
import { BIN, cleanEnv, runCli } from './run-cli.js'

const T0 = Date.UTC(2026, 10, 23, 8, 0, 0)
const MIN = 60_000
const NOW = T0 + 24 * 60 * MIN
const STACK_FRAME = /\n\s+at /

// alice: 15 readings 5 minutes apart from T0 (trend 0-9 in turn); bob: 2 readings.
const ALICE: ArchivedReading[] = Array.from({ length: 15 }, (_, i) => ({
  source: 'alice',
  systemTime: T0 + i * 5 * MIN,
  offsetMinutes: -300,
  value: 100 + i,
  trend: i % 10,
}))
const BOB: ArchivedReading[] = [
  { source: 'bob', systemTime: T0 + 2 * MIN, offsetMinutes: 60, value: 180, trend: 4 },
  { source: 'bob', systemTime: T0 - 24 * 60 * MIN, offsetMinutes: 60, value: 90, trend: 5 },
]

let dir = ''
let archive = ''
let server: Server | undefined
let base = ''

async function get(path: string, init: RequestInit = {}) {
  const response = await fetch(`${base}${path}`, init)
  return { status: response.status, headers: response.headers, text: await response.text() }
}

async function getJson<T>(path: string): Promise<T> {
  const answer = await get(path)
  expect(answer.status).toBe(200)
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
  return JSON.parse(answer.text) as T
}

async function expectError(path: string, status: number, message: RegExp, init: RequestInit = {}) {
  const answer = await get(path, init)
  expect(answer.status).toBe(status)
  expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8')
  const body = JSON.parse(answer.text) as { status: number; message: string }
  expect(body.status).toBe(status)
  expect(body.message).toMatch(message)
  expect(answer.text).not.toMatch(STACK_FRAME)
  return answer
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-archive-serve-'))
  archive = join(dir, 'archive.db')
  const store = ArchiveStore.open(archive)
  store.insert([...ALICE, ...BOB])
  store.close()
  server = createArchiveServer({ archivePath: archive, now: () => NOW })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  server?.close()
  server?.closeAllConnections()
  rmSync(dir, { recursive: true, force: true })
})

describe('spreadsheet endpoints', () => {
  it('answers /readings.csv with a header and exact rows, oldest first, without a BOM', async () => {
    const answer = await get('/readings.csv?source=bob')
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(answer.text.charCodeAt(0)).not.toBe(0xfeff)
    expect(parse(answer.text)).toStrictEqual([
      [
        'utc_time',
        'local_time',
        'utc_offset_minutes',
        'mg_dl',
        'mmol_l',
        'trend',
        'trend_name',
        'arrow',
        'source',
      ],
      [
        '2026-11-22T08:00:00.000Z',
        '2026-11-22 09:00:00',
        '60',
        '90',
        '5.0',
        '5',
        'FortyFiveDown',
        '↘',
        'bob',
      ],
      [
        '2026-11-23T08:02:00.000Z',
        '2026-11-23 09:02:00',
        '60',
        '180',
        '10.0',
        '4',
        'Flat',
        '→',
        'bob',
      ],
    ])
  })

  it('filters by from (inclusive), to (exclusive), count and order', async () => {
    const rows = parse(
      (
        await get(
          '/readings.csv?source=alice&from=2026-11-23T08:10:00Z&to=2026-11-23T08:40Z&order=desc&count=3',
        )
      ).text,
    ) as string[][]
    expect(rows.slice(1).map((row) => row[0])).toStrictEqual([
      '2026-11-23T08:35:00.000Z',
      '2026-11-23T08:30:00.000Z',
      '2026-11-23T08:25:00.000Z',
    ])
    // Relative times count back from the server's clock: NOW - 1 day is T0.
    const recent = parse((await get('/readings.csv?from=-1d&to=-1435m')).text) as string[][]
    expect(recent.slice(1).map((row) => [row[0], row[8]])).toStrictEqual([
      ['2026-11-23T08:00:00.000Z', 'alice'],
      ['2026-11-23T08:02:00.000Z', 'bob'],
    ])
  })

  it('answers semicolons and decimal commas with excel-eu=true', async () => {
    const text = (await get('/readings.csv?source=bob&excel-eu=true')).text
    expect(text.split('\n')[1]).toBe(
      '2026-11-22T08:00:00.000Z;2026-11-22 09:00:00;60;90;5,0;5;FortyFiveDown;↘;bob',
    )
  })

  it('answers /readings.json as an array and /readings.ndjson as lines', async () => {
    const json = await getJson<Record<string, unknown>[]>('/readings.json?source=alice&count=2')
    expect(json).toStrictEqual([
      {
        readingTime: '2026-11-23T08:00:00.000Z',
        localTime: '2026-11-23 03:00:00',
        utcOffsetMinutes: -300,
        mgDl: 100,
        mmolL: 5.5,
        trend: 0,
        trendDirection: 'None',
        trendArrow: '',
        source: 'alice',
      },
      expect.objectContaining({ mgDl: 101, trend: 1, trendArrow: '↑↑' }),
    ])
    const ndjson = await get('/readings.ndjson')
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8')
    expect(ndjson.text.trimEnd().split('\n')).toHaveLength(17)
  })
})

describe('Nightscout entries endpoints', () => {
  type Entry = Record<string, unknown> & { date: number; _id: string }

  it('answers the newest 10 entries by default, newest first, shaped as Nightscout entries', async () => {
    const entries = await getJson<Entry[]>('/api/v1/entries.json?source=alice')
    expect(entries).toHaveLength(10)
    expect(entries.map((e) => e.date)).toStrictEqual(
      ALICE.slice(5)
        .map((r) => r.systemTime)
        .reverse(),
    )
    const newest = ALICE[14]!
    expect(entries[0]).toStrictEqual({
      _id: expect.stringMatching(/^[0-9a-f]{24}$/) as unknown,
      type: 'sgv',
      sgv: 114,
      date: newest.systemTime,
      dateString: '2026-11-23T09:10:00.000Z',
      trend: 4,
      direction: 'Flat',
      device: 'glucoshare',
      sysTime: '2026-11-23T09:10:00.000Z',
      utcOffset: -300,
    })
    expect(entries.find((e) => e.date === ALICE[8]!.systemTime)).toMatchObject({
      trend: 8,
      direction: 'NOT COMPUTABLE',
    })
    // The same reading keeps its id.
    const again = await getJson<Entry[]>('/api/v1/entries/sgv.json?source=alice&count=1')
    expect(again[0]!._id).toBe(entries[0]!._id)
  })

  it('applies find[date][$gte]/$lt and find[dateString] bounds with count', async () => {
    const from = ALICE[3]!.systemTime
    const to = ALICE[6]!.systemTime
    const entries = await getJson<Entry[]>(
      `/api/v1/entries.json?find[date][$gte]=${from}&find[date][$lt]=${to}&count=100&source=alice`,
    )
    expect(entries.map((e) => e.date)).toStrictEqual(
      [ALICE[5], ALICE[4], ALICE[3]].map((r) => r!.systemTime),
    )
    const gt = await getJson<Entry[]>(
      `/api/v1/entries?find[date][$gt]=${from}&find[date][$lte]=${to}&source=alice`,
    )
    expect(gt.map((e) => e.date)).toStrictEqual(
      [ALICE[6], ALICE[5], ALICE[4]].map((r) => r!.systemTime),
    )
    const day = await getJson<Entry[]>(
      '/api/v1/entries/sgv.json?find[dateString][$gte]=2026-11-22&find[dateString][$lt]=2026-11-23&count=50',
    )
    expect(day.map((e) => [e['sgv'], e['device']])).toStrictEqual([[90, 'glucoshare']])
  })

  it('answers every source unless source= is given, and nothing for other entry types', async () => {
    const all = await getJson<Entry[]>('/api/v1/entries.json?count=1000')
    expect(all).toHaveLength(17)
    expect(await getJson<Entry[]>('/api/v1/entries.json?find[type]=mbg')).toStrictEqual([])
    expect(await getJson<Entry[]>('/api/v1/entries.json?source=nobody')).toStrictEqual([])
  })

  it('answers /api/v1/entries/current with the newest entry', async () => {
    const current = await getJson<Entry[]>('/api/v1/entries/current.json?count=5')
    expect(current.map((e) => e['sgv'])).toStrictEqual([114])
  })

  it("answers .csv and .tsv with Nightscout's five fields and no header", async () => {
    const csv = await get('/api/v1/entries.csv?count=2&source=alice')
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(parse(csv.text)).toStrictEqual([
      ['2026-11-23T09:10:00.000Z', String(ALICE[14]!.systemTime), '114', 'Flat', 'glucoshare'],
      [
        '2026-11-23T09:05:00.000Z',
        String(ALICE[13]!.systemTime),
        '113',
        'FortyFiveUp',
        'glucoshare',
      ],
    ])
    const tsv = await get('/api/v1/entries.tsv?count=1&source=alice')
    expect(tsv.text).toBe(
      `"2026-11-23T09:10:00.000Z"\t${ALICE[14]!.systemTime}\t114\t"Flat"\t"glucoshare"\n`,
    )
  })
})

describe('errors', () => {
  it('answers bad query values with 400 and a message naming the parameter', async () => {
    await expectError(
      '/api/v1/entries.json?find[date][$gte]=yesterday',
      400,
      /find\[date\]\[\$gte\] must be a time in epoch milliseconds/,
    )
    await expectError(
      '/api/v1/entries.json?find[date][$where]=1',
      400,
      /\$gte, \$gt, \$lte or \$lt/,
    )
    await expectError('/api/v1/entries.json?count=0', 400, /count must be a whole number/)
    await expectError('/readings.csv?from=soon', 400, /from must be an ISO date or time/)
    await expectError('/readings.csv?from=2026-11-23&to=2026-11-22', 400, /from must be before to/)
    await expectError('/readings.json?order=sideways', 400, /order must be asc or desc/)
    await expectError('/readings.json?source=nobody', 400, /no source "nobody"; it has: alice, bob/)
  })

  it('answers unknown paths with 404 and other methods with 405', async () => {
    await expectError('/api/v1/treatments.json', 404, /no such endpoint/)
    await expectError('/readings.xlsx', 404, /no such endpoint/)
    const post = await expectError('/api/v1/entries', 405, /read-only/, {
      method: 'POST',
      body: '[]',
    })
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    await expectError('/readings.csv', 405, /read-only/, { method: 'DELETE' })
  })

  it('answers HEAD like GET without a body', async () => {
    const head = await get('/readings.csv', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.text).toBe('')
  })

  it('answers 503 when the archive cannot be read', async () => {
    const missing = createArchiveServer({ archivePath: join(dir, 'missing.db') })
    missing.listen(0, '127.0.0.1')
    await once(missing, 'listening')
    try {
      const response = await fetch(
        `http://127.0.0.1:${(missing.address() as AddressInfo).port}/readings.json`,
      )
      expect(response.status).toBe(503)
      expect(await response.json()).toStrictEqual({
        status: 503,
        message: 'the archive cannot be read now; try again later',
      })
    } finally {
      missing.close()
    }
  })
})

describe('glucoshare archive serve (the built command)', () => {
  it('serves the archive until SIGTERM, then exits 0', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'archive', 'serve', '--port', '0', '--archive', archive],
      {
        cwd: dir,
        env: cleanEnv(),
      },
    )
    let stdout = ''
    child.stdout.setEncoding('utf8')
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk
        const match = /archive server on (http:\/\/\S+) /.exec(stdout)
        if (match) resolve(match[1]!)
      })
      child.on('exit', () => reject(new Error(`exited early: ${stdout}`)))
    })
    const response = await fetch(`${url}/api/v1/entries.json?count=1&source=bob`)
    expect(((await response.json()) as { sgv: number }[])[0]?.sgv).toBe(180)
    child.kill('SIGTERM')
    const [code] = (await once(child, 'exit')) as [number | null]
    expect(code).toBe(0)
    expect(stdout).toMatch(/GET \/api\/v1\/entries\.json 200/)
  })

  it('refuses to start without an archive', async () => {
    const result = await runCli(
      ['archive', 'serve', '--port', '0', '--archive', join(dir, 'none.db')],
      { cwd: dir },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^glucoshare: no archive at .*none\.db: run 'glucoshare archive' first/,
    )
  })
})
