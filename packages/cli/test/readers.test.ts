/**
`glucoshare latest` and `glucoshare readings`, run as the built command against a real glucoshare
server listening on a real socket (a temporary SQLite file), fed through the SDK's uploader calls.
Covers values, trends, times and freshness, the table and JSON outputs, exit codes, every
credential source, and that no password or session id is ever printed.
Needs `npx tsc -b` first, as `npm test` does.
*/
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { generate } from 'selfsigned'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ShareClient, type TrendName } from '@glucoshare/sdk'
import { SqliteStore, createAccount, serve, type RunningServer } from '@glucoshare/server'
import { runCli, type CliResult } from './run-cli.js'

// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'readers-test-passphrase-not-secret'
const WRONG_PASSWORD = 'readers-wrong-passphrase-not-secret'
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i
const STACK_FRAME = /^\s+at /m
const REGION_HINT =
  "wrong username/password, or the wrong region (try --region ous / jp), or follower credentials instead of the publisher's"
const MINUTE = 60_000
// The CLI prints local times in the zone of TZ; Kolkata has no daylight saving time.
const TZ = 'Asia/Kolkata'
const TZ_OFFSET_MINUTES = 330

interface Uploaded {
  readonly minutesAgo: number
  readonly mgDl: number
  readonly trend: TrendName
}

let dir = ''
let dbPath = ''
let emptyXdg = ''
let server: RunningServer | undefined
let tlsServer: RunningServer | undefined
let url = ''
let base = 0
let mainAccountId = ''
const outputs: CliResult[] = []

// The main publisher's readings, newest first; the server stores them to the whole second.
const MAIN: readonly Uploaded[] = [
  { minutesAgo: 5, mgDl: 112, trend: 'Flat' },
  { minutesAgo: 20, mgDl: 118, trend: 'FortyFiveDown' },
  { minutesAgo: 35, mgDl: 131, trend: 'SingleDown' },
  { minutesAgo: 120, mgDl: 39, trend: 'DoubleDown' },
]
const STALE: readonly Uploaded[] = [{ minutesAgo: 40, mgDl: 250, trend: 'SingleUp' }]

/** What the CLI must print for an uploaded reading, apart from its age. */
function expected(reading: Uploaded) {
  const table = {
    Flat: [4, '→'],
    FortyFiveDown: [5, '↘'],
    SingleDown: [6, '↓'],
    DoubleDown: [7, '↓↓'],
    SingleUp: [2, '↑'],
  } as Record<string, [number, string]>
  const [trend, trendArrow] = table[reading.trend] ?? [0, '']
  const mmolL = { 112: 6.2, 118: 6.5, 131: 7.3, 39: 2.2, 250: 13.9 }[reading.mgDl]
  return {
    mgDl: reading.mgDl,
    mmolL,
    trend,
    trendDirection: reading.trend,
    trendArrow,
    readingTime: new Date(timeOf(reading)).toISOString(),
    utcOffsetMinutes: -240,
  }
}

function timeOf(reading: Uploaded): number {
  return base - reading.minutesAgo * MINUTE
}

/** `2025-04-19 23:00:13 +05:30` in Asia/Kolkata, worked out without the CLI's code. */
function kolkataTime(ms: number): string {
  const shifted = new Date(ms + TZ_OFFSET_MINUTES * MINUTE).toISOString()
  return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)} +05:30`
}

/** The ages (whole seconds) the CLI may have printed for a reading during `result`'s run. */
function ageBounds(result: CliResult, readingMs: number): [number, number] {
  return [
    Math.floor((result.startedAt - readingMs) / 1000),
    Math.floor((result.endedAt - readingMs) / 1000),
  ]
}

function expectAge(result: CliResult, readingMs: number, ageSeconds: unknown): void {
  const [low, high] = ageBounds(result, readingMs)
  expect(typeof ageSeconds).toBe('number')
  expect(ageSeconds).toBeGreaterThanOrEqual(low)
  expect(ageSeconds).toBeLessThanOrEqual(high)
}

function cli(
  args: readonly string[],
  { input = '', env = {} }: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return runCli(args, { cwd: dir, input, env: { XDG_CONFIG_HOME: emptyXdg, TZ, ...env } }).then(
    (result) => {
      outputs.push(result)
      return result
    },
  )
}

/** `latest`/`readings` against the test server as `username`, the password on standard input. */
function read(
  command: 'latest' | 'readings',
  username: string,
  extra: readonly string[] = [],
  password = PASSWORD,
): Promise<CliResult> {
  return cli([command, '--server', url, '--username', username, '--password-stdin', ...extra], {
    input: `${password}\n`,
  })
}

function expectCleanFailure(result: CliResult, code: number, message: string | RegExp): void {
  expect(result.stderr).toMatch(/^glucoshare: /)
  expect(result.stderr).toMatch(message)
  expect(result.stderr).not.toMatch(STACK_FRAME)
  expect(result.code).toBe(code)
}

function json<T>(result: CliResult): T {
  expect(result.stderr).toBe('')
  expect(result.code).toBe(0)
  return JSON.parse(result.stdout) as T
}

async function upload(
  username: string,
  serial: string,
  readings: readonly Uploaded[],
): Promise<void> {
  const share = new ShareClient({ baseUrl: url, username, password: PASSWORD })
  await share.assignReceiver(serial)
  await share.startMonitoringSession(serial)
  const result = await share.postReadings(
    serial,
    readings.map((r) => ({
      date: new Date(timeOf(r)),
      mgDl: r.mgDl,
      trend: r.trend,
      utcOffsetMinutes: -240,
    })),
  )
  expect(result).toStrictEqual({ sent: readings.length, duplicate: false })
}

async function certificateFiles(): Promise<{ tlsCertFile: string; tlsKeyFile: string }> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 24 * 60 * MINUTE),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
    ],
  })
  const certFile = join(dir, 'cert.pem')
  const keyFile = join(dir, 'key.pem')
  writeFileSync(certFile, pems.cert)
  writeFileSync(keyFile, pems.private, { mode: 0o600 })
  return { tlsCertFile: certFile, tlsKeyFile: keyFile }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-readers-'))
  emptyXdg = join(dir, 'xdg-empty')
  mkdirSync(emptyXdg)
  dbPath = join(dir, 'db.sqlite')
  const store = new SqliteStore({ path: dbPath })
  await store.migrate()
  for (const username of ['main_pat', 'stale_pat', 'empty_pat', 'locked_pat']) {
    const account = await createAccount(store, { username, password: PASSWORD })
    if (username === 'main_pat') mainAccountId = account.id
  }
  server = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
  url = server.url
  base = Math.floor(Date.now() / 1000) * 1000
  await upload('main_pat', 'SM11112222', MAIN)
  await upload('stale_pat', 'SM33334444', STALE)
  // Six failed logins lock locked_pat (the server's default), whatever password comes next.
  for (let attempt = 0; attempt < 6; attempt++) {
    const share = new ShareClient({
      baseUrl: url,
      username: 'locked_pat',
      password: WRONG_PASSWORD,
    })
    await share.login().catch(() => undefined)
  }

  const tlsStore = new SqliteStore({ path: join(dir, 'tls.sqlite') })
  await tlsStore.migrate()
  await createAccount(tlsStore, { username: 'tls_pat', password: PASSWORD })
  tlsServer = await serve({
    store: tlsStore,
    port: 0,
    host: '127.0.0.1',
    logger: false,
    ...(await certificateFiles()),
  })
})

afterAll(async () => {
  await server?.close()
  await tlsServer?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('glucoshare latest', () => {
  it('prints the newest reading as JSON with exact values, trend, time and freshness', async () => {
    const result = await read('latest', 'main_pat', ['--json'])
    const printed = json<Record<string, unknown>>(result)
    expect(Object.keys(printed)).toStrictEqual([
      'mgDl',
      'mmolL',
      'trend',
      'trendDirection',
      'trendArrow',
      'readingTime',
      'utcOffsetMinutes',
      'ageSeconds',
      'stale',
    ])
    const newest = MAIN[0]!
    expect(printed).toMatchObject({ ...expected(newest), stale: false })
    expectAge(result, timeOf(newest), printed['ageSeconds'])
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
  })

  it('prints value, trend, UTC and local time, age and the stale flag as text', async () => {
    const result = await read('latest', 'main_pat')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const newest = MAIN[0]!
    const ms = timeOf(newest)
    const [low, high] = ageBounds(result, ms)
    const ages = Array.from(
      { length: high - low + 1 },
      (_, i) => `${Math.floor((low + i) / 60)} min ${String((low + i) % 60).padStart(2, '0')} s`,
    )
    const lines = result.stdout.split('\n')
    expect(lines.slice(0, 5)).toStrictEqual([
      'mg/dL       112',
      'mmol/L      6.2',
      'trend       → Flat (steady)',
      `time UTC    ${new Date(ms).toISOString()}`,
      `time local  ${kolkataTime(ms)}`,
    ])
    expect(lines[5]?.startsWith('age         ')).toBe(true)
    expect(ages).toContain(lines[5]?.slice('age         '.length))
    expect(lines.slice(6)).toStrictEqual(['stale       no (stale after 15 min)', ''])
  })

  it('flags the reading as stale when it is older than --stale-minutes', async () => {
    const asJson = json<{ stale: boolean; mgDl: number }>(
      await read('latest', 'main_pat', ['--json', '--stale-minutes', '2']),
    )
    expect(asJson).toMatchObject({ mgDl: 112, stale: true })
    const text = await read('latest', 'main_pat', ['--stale-minutes', '2'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^stale {7}YES: older than 2 min$/m)
  })

  it('flags a 40-minute-old reading as stale with the default 15 minutes', async () => {
    const result = await read('latest', 'stale_pat', ['--json'])
    const printed = json<Record<string, unknown>>(result)
    const only = STALE[0]!
    expect(printed).toMatchObject({ ...expected(only), stale: true })
    expectAge(result, timeOf(only), printed['ageSeconds'])
  })

  it('exits 3 with "no reading in the last 24 hours" for an account without readings', async () => {
    for (const extra of [[], ['--json']]) {
      const result = await read('latest', 'empty_pat', extra)
      expectCleanFailure(result, 3, /^glucoshare: no reading in the last 24 hours\n$/)
      expect(result.stdout).toBe('')
    }
  })

  it('logs in by --account-id as well as by username', async () => {
    const result = await cli(
      ['latest', '--server', url, '--account-id', mainAccountId, '--password-stdin', '--json'],
      { input: PASSWORD },
    )
    expect(json<{ mgDl: number }>(result).mgDl).toBe(112)
  })
})

describe('glucoshare readings', () => {
  it('prints the newest --count readings as a JSON array of latest-shaped objects', async () => {
    const result = await read('readings', 'main_pat', ['--count', '2', '--json'])
    const printed = json<Record<string, unknown>[]>(result)
    expect(printed).toHaveLength(2)
    MAIN.slice(0, 2).forEach((reading, i) => {
      const row = printed[i] ?? {}
      expect(Object.keys(row)).toStrictEqual([
        'mgDl',
        'mmolL',
        'trend',
        'trendDirection',
        'trendArrow',
        'readingTime',
        'utcOffsetMinutes',
        'ageSeconds',
        'stale',
      ])
      expect(row).toMatchObject({ ...expected(reading), stale: reading.minutesAgo > 15 })
      expectAge(result, timeOf(reading), row['ageSeconds'])
    })
  })

  it('reads only the last --minutes', async () => {
    const result = await read('readings', 'main_pat', ['--minutes', '30', '--json'])
    const printed = json<{ mgDl: number }[]>(result)
    expect(printed.map((r) => r.mgDl)).toStrictEqual([112, 118])
  })

  it('prints every reading of the day as a table, newest first, LOW marked', async () => {
    const result = await read('readings', 'main_pat')
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(1 + MAIN.length)
    const cells = lines.map((line) => line.split(/ {2,}/))
    expect(cells[0]).toStrictEqual([
      'time local',
      'time UTC',
      'mg/dL',
      'mmol/L',
      'arrow',
      'trend',
      'age',
      'stale',
    ])
    MAIN.forEach((reading, i) => {
      const want = expected(reading)
      const row = cells[i + 1] ?? []
      expect(row.slice(0, 6)).toStrictEqual([
        kolkataTime(timeOf(reading)),
        want.readingTime,
        reading.mgDl === 39 ? '39 LOW' : String(reading.mgDl),
        want.mmolL?.toFixed(1),
        want.trendArrow,
        want.trendDirection,
      ])
      expect(row[6]).toMatch(reading.minutesAgo >= 60 ? /^\d+ h \d\d min$/ : /^\d+ min \d\d s$/)
      expect(row[7]).toBe(reading.minutesAgo > 15 ? 'yes' : 'no')
    })
  })

  it('exits 3 with a message, and prints [] under --json, when the window is empty', async () => {
    const table = await read('readings', 'empty_pat')
    expectCleanFailure(table, 3, /no reading in the last 1440 minutes/)
    expect(table.stdout).toBe('')
    const asJson = await read('readings', 'empty_pat', ['--json'])
    expectCleanFailure(asJson, 3, /no reading in the last 1440 minutes/)
    expect(JSON.parse(asJson.stdout)).toStrictEqual([])
  })

  it.each([
    [['--count', '0'], /--count must be a whole number from 1 to 288, got "0"/],
    [['--count', '289'], /--count must be a whole number from 1 to 288, got "289"/],
    [['--count', 'abc'], /--count must be a whole number from 1 to 288, got "abc"/],
    [['--count', '2.5'], /--count must be a whole number from 1 to 288/],
    [['--minutes', '1441'], /--minutes must be a whole number from 1 to 1440, got "1441"/],
    [['--stale-minutes', '0'], /--stale-minutes must be a whole number from 1 to 1440/],
  ])('refuses %j with exit 2', async (extra, message) => {
    const result = await read('readings', 'main_pat', extra)
    expectCleanFailure(result, 2, message)
    expect(result.stdout).toBe('')
  })
})

describe('errors', () => {
  it('answers a wrong password with exit 1 and the region and follower hint', async () => {
    const result = await read('latest', 'main_pat', ['--json'], WRONG_PASSWORD)
    expectCleanFailure(result, 1, `refused the login: ${REGION_HINT}`)
    expect(result.stderr).toContain(new URL(url).host)
    expect(result.stdout).toBe('')
    expect(result.stderr).not.toContain(WRONG_PASSWORD)
  })

  it('tells a locked-out user to wait before retrying, with exit 1', async () => {
    const result = await read('latest', 'locked_pat')
    expectCleanFailure(result, 1, /has locked the account .*: wait before retrying/)
  })

  it('names only the host when the server cannot be reached', async () => {
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as { port: number }
    await new Promise<void>((resolve) => probe.close(() => resolve()))
    const result = await cli(
      ['latest', '--server', `http://127.0.0.1:${port}/some/path`, '--username', 'main_pat'],
      { env: { GLUCOSHARE_PASSWORD: PASSWORD } },
    )
    expectCleanFailure(result, 1, `cannot reach 127.0.0.1:${port} (ECONNREFUSED)`)
    expect(result.stderr).not.toContain('/some/path')
  })

  it('refuses a self-signed certificate with exit 1 and points to --insecure', async () => {
    expect(tlsServer?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    const result = await cli(
      ['latest', '--server', tlsServer?.url ?? '', '--username', 'tls_pat', '--password-stdin'],
      { input: PASSWORD },
    )
    expectCleanFailure(result, 1, /its TLS certificate is not trusted .*--insecure/)
  })

  it('reads a self-signed HTTPS server under --insecure, with a warning on stderr', async () => {
    const result = await cli(
      [
        'latest',
        '--server',
        tlsServer?.url ?? '',
        '--username',
        'tls_pat',
        '--password-stdin',
        '--insecure',
      ],
      { input: PASSWORD },
    )
    // The login went through over TLS; the account simply has no readings.
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(
      /^glucoshare: warning: --insecure: the TLS certificate of 127\.0\.0\.1:\d+ is not checked/,
    )
    expect(result.stderr).toMatch(/glucoshare: no reading in the last 24 hours\n$/)
  })

  it('refuses --insecure without --server with exit 2', async () => {
    const result = await cli(['latest', '--username', 'main_pat', '--insecure'], {
      env: { GLUCOSHARE_PASSWORD: PASSWORD },
    })
    expectCleanFailure(result, 2, /--insecure only applies to your own server given with --server/)
  })

  it('refuses an unknown region with exit 2', async () => {
    const result = await cli(['latest', '--region', 'eu', '--username', 'main_pat'], {
      env: { GLUCOSHARE_PASSWORD: PASSWORD },
    })
    expectCleanFailure(result, 2, /--region must be us, ous or jp, got "eu"/)
  })

  it('refuses a malformed --server with exit 2', async () => {
    const result = await cli(['latest', '--server', 'not a url', '--username', 'main_pat'], {
      env: { GLUCOSHARE_PASSWORD: PASSWORD },
    })
    expectCleanFailure(result, 2, /--server must be an absolute http\(s\) URL/)
  })
})

describe('credentials', () => {
  it('exits 2 naming every password source when none is given and stdin is no terminal', async () => {
    const result = await cli(['latest', '--server', url, '--username', 'main_pat'])
    expectCleanFailure(
      result,
      2,
      /no password: pipe it in with --password-stdin, set GLUCOSHARE_PASSWORD, put "password" in the config file/,
    )
    expect(result.stdout).toBe('')
  })

  it('exits 2 when no account is named', async () => {
    const result = await cli(['latest', '--server', url], {
      env: { GLUCOSHARE_PASSWORD: PASSWORD },
    })
    expectCleanFailure(result, 2, /say which Share account to read: --username/)
  })

  it('takes server, username and password from the environment', async () => {
    const result = await cli(['latest', '--json'], {
      env: {
        GLUCOSHARE_SERVER: url,
        GLUCOSHARE_USERNAME: 'main_pat',
        GLUCOSHARE_PASSWORD: PASSWORD,
      },
    })
    expect(json<{ mgDl: number }>(result).mgDl).toBe(112)
  })

  it('lets flags override the environment', async () => {
    const result = await cli(['latest', '--json', '--username', 'main_pat', '--password-stdin'], {
      input: PASSWORD,
      env: {
        GLUCOSHARE_SERVER: url,
        GLUCOSHARE_USERNAME: 'stale_pat',
        GLUCOSHARE_PASSWORD: WRONG_PASSWORD,
      },
    })
    expect(json<{ mgDl: number }>(result).mgDl).toBe(112)
  })

  it('reads a private config file at the XDG default path', async () => {
    const xdg = join(dir, 'xdg-private')
    mkdirSync(join(xdg, 'glucoshare'), { recursive: true })
    const file = join(xdg, 'glucoshare', 'config.json')
    writeFileSync(file, JSON.stringify({ server: url, username: 'stale_pat', password: PASSWORD }))
    chmodSync(file, 0o600)
    const result = await cli(['latest', '--json'], { env: { XDG_CONFIG_HOME: xdg } })
    expect(json<{ mgDl: number }>(result).mgDl).toBe(250)
  })

  it('reads the file given with --config, and the environment wins over it', async () => {
    const file = join(dir, 'explicit-config.json')
    writeFileSync(file, JSON.stringify({ server: url, username: 'stale_pat', password: PASSWORD }))
    chmodSync(file, 0o600)
    const fromFile = await cli(['latest', '--json', '--config', file])
    expect(json<{ mgDl: number }>(fromFile).mgDl).toBe(250)
    const overridden = await cli(['latest', '--json', '--config', file], {
      env: { GLUCOSHARE_USERNAME: 'main_pat' },
    })
    expect(json<{ mgDl: number }>(overridden).mgDl).toBe(112)
  })

  it('refuses a config file with a password that other users can read, telling to chmod 600', async () => {
    const file = join(dir, 'open-config.json')
    writeFileSync(file, JSON.stringify({ server: url, username: 'main_pat', password: PASSWORD }))
    chmodSync(file, 0o644)
    const result = await cli(['latest', '--json', '--config', file])
    expectCleanFailure(
      result,
      2,
      `the config file ${file} holds a password but other users can access it (mode 644); run \`chmod 600 ${file}\``,
    )
    expect(result.stdout).toBe('')
  })

  it('accepts a readable config file that holds no password', async () => {
    const file = join(dir, 'shared-config.json')
    writeFileSync(file, JSON.stringify({ server: url, username: 'main_pat' }))
    chmodSync(file, 0o644)
    const result = await cli(['latest', '--json', '--config', file, '--password-stdin'], {
      input: PASSWORD,
    })
    expect(json<{ mgDl: number }>(result).mgDl).toBe(112)
  })

  it('exits 2 when the --config file does not exist or is not JSON', async () => {
    const missing = await cli(['latest', '--config', join(dir, 'nope.json')])
    expectCleanFailure(missing, 2, /cannot read the config file .*nope\.json: no such file/)
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{ not json')
    chmodSync(broken, 0o600)
    const result = await cli(['latest', '--config', broken])
    expectCleanFailure(result, 2, /the config file .*broken\.json is not valid JSON/)
  })
})

describe('glucoshare latest --help', () => {
  it('documents the Share options and never asks for a password flag', async () => {
    const result = await cli(['latest', '--help'])
    expect(result.code).toBe(0)
    for (const flag of [
      '--server',
      '--region',
      '--username',
      '--account-id',
      '--password-stdin',
      '--config',
      '--insecure',
      '--stale-minutes',
      '--json',
    ]) {
      expect(result.stdout).toContain(flag)
    }
    expect(result.stdout).not.toMatch(/--password\b(?!-stdin)/)
  })
})

// Last, so that it sees the output of every run above.
describe('secrets', () => {
  it('never prints a password or a session id, in any output above', () => {
    expect(outputs.length).toBeGreaterThan(20)
    const db = new Database(dbPath, { readonly: true })
    let sessions: string[]
    try {
      sessions = (
        db.prepare('SELECT session_id FROM sessions').all() as { session_id: string }[]
      ).map((row) => row.session_id)
    } finally {
      db.close()
    }
    expect(sessions.length).toBeGreaterThan(10)
    for (const { stdout, stderr } of outputs) {
      const text = stdout + stderr
      expect(text).not.toContain(PASSWORD)
      expect(text).not.toContain(WRONG_PASSWORD)
      for (const session of sessions) expect(text).not.toContain(session)
      // Nothing the commands print is a UUID: no session, account or application id.
      expect(text).not.toMatch(UUID)
    }
  })
})
