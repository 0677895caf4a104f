/**
`glucoshare export`, run as the built command: the archive's readings as CSV (opened with a real
CSV parser, with exact columns and values), Excel-EU CSV, JSON and NDJSON, time ranges, files,
bad options, and a live export from a real glucoshare server on a real socket.
Needs `npx tsc -b` first, as `npm test` does.
*/
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ShareClient } from '@glucoshare/sdk'
import { SqliteStore, createAccount, serve, type RunningServer } from '@glucoshare/server'
import { ArchiveStore, type ArchivedReading } from '../src/archive/archive-store.js'
import { runCli, type CliResult } from './run-cli.js'

// A cheap scrypt cost keeps fixture logins fast; the server reads the cost from each hash.
const FIXTURE_SCRYPT_COST = 1024
// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'export-test-passphrase-not-secret'
const STACK_FRAME = /^\s+at /m
const T0 = Date.UTC(2026, 10, 23, 14, 5, 0)
const MIN = 60_000
const PHONE = '+447700900123'

const READINGS: readonly ArchivedReading[] = [
  { source: 'alice', systemTime: T0, offsetMinutes: -300, value: 112, trend: 4 },
  { source: 'alice', systemTime: T0 + 5 * MIN, offsetMinutes: -300, value: 39, trend: 7 },
  { source: 'alice', systemTime: T0 + 10 * MIN, offsetMinutes: -300, value: 401, trend: 1 },
  { source: 'alice', systemTime: T0 + 15 * MIN, offsetMinutes: -300, value: 100, trend: 0 },
  { source: PHONE, systemTime: T0 + 2.5 * MIN, offsetMinutes: 330, value: 250, trend: 3 },
  {
    source: PHONE,
    systemTime: Date.UTC(2026, 10, 22, 20),
    offsetMinutes: 330,
    value: 180,
    trend: 5,
  },
]

const HEADER = [
  'utc_time',
  'local_time',
  'utc_offset_minutes',
  'mg_dl',
  'mmol_l',
  'trend',
  'trend_name',
  'arrow',
  'source',
]

// Worked out by hand: local time in each reading's own offset, mmol/L = mg/dL ÷ 18.0182 to 0.1.
const ROWS = [
  [
    '2026-11-22T20:00:00.000Z',
    '2026-11-23 01:30:00',
    '330',
    '180',
    '10.0',
    '5',
    'FortyFiveDown',
    '↘',
    `'${PHONE}`,
  ],
  [
    '2026-11-23T14:05:00.000Z',
    '2026-11-23 09:05:00',
    '-300',
    '112',
    '6.2',
    '4',
    'Flat',
    '→',
    'alice',
  ],
  [
    '2026-11-23T14:07:30.000Z',
    '2026-11-23 19:37:30',
    '330',
    '250',
    '13.9',
    '3',
    'FortyFiveUp',
    '↗',
    `'${PHONE}`,
  ],
  [
    '2026-11-23T14:10:00.000Z',
    '2026-11-23 09:10:00',
    '-300',
    '39',
    '2.2',
    '7',
    'DoubleDown',
    '↓↓',
    'alice',
  ],
  [
    '2026-11-23T14:15:00.000Z',
    '2026-11-23 09:15:00',
    '-300',
    '401',
    '22.3',
    '1',
    'DoubleUp',
    '↑↑',
    'alice',
  ],
  [
    '2026-11-23T14:20:00.000Z',
    '2026-11-23 09:20:00',
    '-300',
    '100',
    '5.5',
    '0',
    'None',
    '',
    'alice',
  ],
]

let dir = ''
let archive = ''
let bigArchive = ''
let server: RunningServer | undefined

function cli(args: readonly string[], input = ''): Promise<CliResult> {
  // A zone far from every reading's offset shows that local_time does not come from TZ.
  return runCli(args, { cwd: dir, input, env: { TZ: 'Pacific/Auckland', XDG_CONFIG_HOME: dir } })
}

function exportArchive(args: readonly string[], path = archive): Promise<CliResult> {
  return cli(['export', '--archive', path, ...args])
}

function ok(result: CliResult): string {
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return result.stdout
}

function expectUsageError(result: CliResult, message: RegExp): void {
  expect(result.code).toBe(2)
  expect(result.stderr).toMatch(/^glucoshare: /)
  expect(result.stderr).toMatch(message)
  expect(result.stderr).not.toMatch(STACK_FRAME)
  expect(result.stdout).toBe('')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-export-'))
  archive = join(dir, 'archive.db')
  const store = ArchiveStore.open(archive)
  store.insert(READINGS)
  store.close()
  bigArchive = join(dir, 'big.db')
  const big = ArchiveStore.open(bigArchive)
  big.insert(
    Array.from({ length: 5000 }, (_, i) => ({
      source: 'carol',
      systemTime: T0 + i * 5 * MIN,
      offsetMinutes: 60,
      value: 40 + (i % 360),
      trend: i % 10,
    })),
  )
  big.close()
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('glucoshare export (CSV)', () => {
  it('writes a UTF-8 BOM, a header row and one row per reading with exact values', async () => {
    const output = join(dir, 'all.csv')
    const result = await exportArchive(['--output', output])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe(`glucoshare: wrote 6 readings to ${output}\n`)
    const bytes = readFileSync(output)
    expect([...bytes.subarray(0, 3)]).toStrictEqual([0xef, 0xbb, 0xbf])
    const records = parse(bytes, { bom: true }) as string[][]
    expect(records).toStrictEqual([HEADER, ...ROWS])
    // Written next to its name and renamed: no partial file is left behind.
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toStrictEqual([])
  })

  it('writes semicolons and decimal commas with --excel-eu', async () => {
    const stdout = ok(await exportArchive(['--excel-eu', '--source', 'alice']))
    const records = parse(stdout, { bom: true, delimiter: ';' }) as string[][]
    expect(records).toStrictEqual([
      HEADER,
      ...ROWS.filter((row) => row[8] === 'alice').map((row) =>
        row.map((v, i) => (i === 4 ? v.replace('.', ',') : v)),
      ),
    ])
    expect(stdout).toContain('2026-11-23 09:05:00;-300;112;6,2;4;Flat;→;alice')
  })

  it('leaves out the BOM with --no-bom', async () => {
    const stdout = ok(await exportArchive(['--no-bom', '--source', 'alice']))
    expect(stdout.startsWith('utc_time,local_time,')).toBe(true)
  })

  it('exports from --from (inclusive) to --to (exclusive), in ISO and relative forms', async () => {
    const stdout = ok(
      await exportArchive(['--from', '2026-11-23T14:05:00Z', '--to', '2026-11-23T09:15-05:00']),
    )
    const records = parse(stdout, { bom: true }) as string[][]
    expect(records).toStrictEqual([HEADER, ...ROWS.slice(1, 4)])
    const all = ok(await exportArchive(['--from', '-36500d', '--to', 'now']))
    expect(parse(all, { bom: true })).toHaveLength(7)
  })

  it('writes only the header, and says so, when the range holds no reading', async () => {
    const result = await exportArchive(['--from', '2030-01-01', '--no-bom'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${HEADER.join(',')}\n`)
    expect(result.stderr).toBe('glucoshare: no readings in that range\n')
  })
})

describe('glucoshare export (JSON, NDJSON)', () => {
  it('writes a JSON array of reading objects, oldest first', async () => {
    const printed = JSON.parse(
      ok(await exportArchive(['--format', 'json', '--source', 'alice'])),
    ) as unknown[]
    expect(printed).toHaveLength(4)
    expect(printed[0]).toStrictEqual({
      readingTime: '2026-11-23T14:05:00.000Z',
      localTime: '2026-11-23 09:05:00',
      utcOffsetMinutes: -300,
      mgDl: 112,
      mmolL: 6.2,
      trend: 4,
      trendDirection: 'Flat',
      trendArrow: '→',
      source: 'alice',
    })
    expect(printed[3]).toMatchObject({
      mgDl: 100,
      trend: 0,
      trendDirection: 'None',
      trendArrow: '',
    })
    const empty = await exportArchive(['--format', 'json', '--from', '2030-01-01'])
    expect(empty.code).toBe(0)
    expect(JSON.parse(empty.stdout)).toStrictEqual([])
  })

  it('writes one JSON object per line with --format ndjson', async () => {
    const lines = ok(await exportArchive(['--format', 'ndjson'])).split('\n')
    expect(lines.pop()).toBe('')
    const objects = lines.map((line) => JSON.parse(line) as { readingTime: string; source: string })
    expect(objects.map((o) => [o.readingTime, o.source])).toStrictEqual(
      ROWS.map((row) => [row[0], row[8]!.replace(/^'/, '')]),
    )
  })

  it('streams thousands of readings in every format, each exactly once', async () => {
    const [jsonResult, ndjsonResult, csvResult] = await Promise.all([
      exportArchive(['--format', 'json'], bigArchive),
      exportArchive(['--format', 'ndjson'], bigArchive),
      exportArchive([], bigArchive),
    ])
    const json = JSON.parse(ok(jsonResult)) as { readingTime: string }[]
    expect(json).toHaveLength(5000)
    expect(new Set(json.map((r) => r.readingTime)).size).toBe(5000)
    expect(ok(ndjsonResult).trimEnd().split('\n')).toHaveLength(5000)
    const csv = parse(ok(csvResult), { bom: true }) as string[][]
    expect(csv).toHaveLength(5001)
    expect(csv[5000]).toStrictEqual([
      new Date(T0 + 4999 * 5 * MIN).toISOString(),
      new Date(T0 + 4999 * 5 * MIN + 60 * MIN).toISOString().replace('T', ' ').slice(0, 19),
      '60',
      String(40 + (4999 % 360)),
      (Number(String(40 + (4999 % 360))) / 18.0182).toFixed(1),
      String(4999 % 10),
      'RateOutOfRange',
      '-',
      'carol',
    ])
  })
})

describe('glucoshare export (bad input)', () => {
  it('refuses bad options with exit 2 and a message that says what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'xml'], /--format must be csv, json or ndjson; got "xml"/],
      [['--format', 'json', '--excel-eu'], /--excel-eu applies to --format csv only/],
      [['--from', 'yesterday'], /--from must be an ISO date or time .*; got "yesterday"/],
      [['--from', '2026-11-24', '--to', '2026-11-23'], /--from must be before --to/],
      [['--source', 'nobody'], /has no source "nobody"; its sources: \+447700900123, alice/],
    ]
    const results = await Promise.all(cases.map(([args]) => exportArchive(args)))
    results.forEach((result, i) => expectUsageError(result, cases[i]![1]))
  })

  it('says how to create an archive when there is none', async () => {
    expectUsageError(
      await exportArchive([], join(dir, 'missing.db')),
      /no archive at .*missing\.db: run 'glucoshare archive' first/,
    )
    expect(existsSync(join(dir, 'missing.db'))).toBe(false)
  })

  it('names the file it cannot write', async () => {
    const result = await exportArchive(['--output', join(dir, 'no-such-folder', 'out.csv')])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^glucoshare: cannot write .*out\.csv: its folder does not exist\n$/,
    )
  })
})

describe('glucoshare export --live', () => {
  let url = ''
  let base = 0

  beforeAll(async () => {
    const dbPath = join(dir, 'server.sqlite')
    mkdirSync(join(dir, 'data'), { recursive: true })
    const store = new SqliteStore({ path: dbPath })
    await store.migrate()
    await createAccount(
      store,
      { username: 'live_pat', password: PASSWORD },
      Date.now(),
      FIXTURE_SCRYPT_COST,
    )
    server = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
    url = server.url
    base = Math.floor(Date.now() / 1000) * 1000
    const share = new ShareClient({ baseUrl: url, username: 'live_pat', password: PASSWORD })
    await share.assignReceiver('SM55556666')
    await share.startMonitoringSession('SM55556666')
    await share.postReadings('SM55556666', [
      { date: new Date(base - 10 * MIN), mgDl: 140, trend: 'SingleUp', utcOffsetMinutes: 60 },
      { date: new Date(base - 5 * MIN), mgDl: 150, trend: 'FortyFiveUp', utcOffsetMinutes: 60 },
    ])
  })

  it("exports a Share account's readings without an archive, and says how far back it reaches", async () => {
    const result = await cli(
      [
        'export',
        '--live',
        '--server',
        url,
        '--username',
        'live_pat',
        '--password-stdin',
        '--format',
        'json',
        '--from',
        '-7d',
      ],
      PASSWORD,
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(
      /note: a live export reaches back 24 hours at most \(288 readings\)/,
    )
    const printed = JSON.parse(result.stdout) as Record<string, unknown>[]
    expect(printed).toStrictEqual([
      expect.objectContaining({
        readingTime: new Date(base - 10 * MIN).toISOString(),
        utcOffsetMinutes: 60,
        mgDl: 140,
        trend: 2,
        trendArrow: '↑',
        source: 'live_pat',
      }),
      expect.objectContaining({
        mgDl: 150,
        trend: 3,
        trendDirection: 'FortyFiveUp',
        source: 'live_pat',
      }),
    ])
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD)
  })
})
