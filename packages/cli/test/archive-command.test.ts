/**
`glucoshare archive` run as the built command against a real glucoshare server on a real socket:
it archives on start, serves metrics, stops cleanly on SIGTERM, follows several accounts from an
accounts file, and refuses bad logins and bad files with clear messages and exit codes, never
printing a password. The timing rules themselves are tested with a manual clock in
archive-follower.test.ts. Needs `npx tsc -b` first, as `npm test` does.
*/
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ShareClient } from '@glucoshare/sdk'
import { SqliteStore, createAccount, serve, type RunningServer } from '@glucoshare/server'
import { ArchiveStore } from '../src/archive/archive-store.js'
import { BIN, cleanEnv, runCli, type CliResult } from './run-cli.js'

// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'archive-cli-passphrase-not-secret'
const WRONG_PASSWORD = 'archive-cli-wrong-passphrase-not-secret'
const STACK_FRAME = /^\s+at /m
const MINUTE = 60_000

let dir = ''
let xdg = ''
let server: RunningServer | undefined
let url = ''
let now = 0

async function upload(username: string, serial: string, count: number): Promise<void> {
  const share = new ShareClient({ baseUrl: url, username, password: PASSWORD })
  await share.assignReceiver(serial)
  await share.startMonitoringSession(serial)
  await share.postReadings(
    serial,
    Array.from({ length: count }, (_, i) => ({
      date: now - MINUTE - i * 5 * MINUTE,
      mgDl: 100 + i,
      trend: 'Flat',
      utcOffsetMinutes: 120,
    })),
  )
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-archive-cli-'))
  xdg = join(dir, 'xdg-empty')
  mkdirSync(xdg)
  const store = new SqliteStore({ path: join(dir, 'db.sqlite') })
  await store.migrate()
  for (const username of ['arch_alice', 'arch_bob']) {
    await createAccount(store, { username, password: PASSWORD })
  }
  server = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
  url = server.url
  now = Math.floor(Date.now() / 1000) * 1000
  await upload('arch_alice', 'SM70700707', 30)
  await upload('arch_bob', 'SM80800808', 3)
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

/**
Starts `glucoshare archive`, waits until its output (standard output, then error) matches every
pattern of `until`, runs
`whileRunning`, then sends SIGTERM and waits for the exit.
*/
async function runUntil(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  until: readonly RegExp[],
  whileRunning: (stdout: string) => Promise<void> = async () => {},
): Promise<CliResult> {
  const startedAt = Date.now()
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: cleanEnv({ XDG_CONFIG_HOME: xdg, ...env }),
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  // A bound, not an assertion: a command that never gets there fails instead of stalling.
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await new Promise<void>((resolve) => {
    const check = () => until.every((pattern) => pattern.test(stdout + stderr)) && resolve()
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk
      check()
    })
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk
      check()
    })
    void exited.then(() => resolve())
  })
  if (child.exitCode === null) {
    await whileRunning(stripVTControlCharacters(stdout))
    child.kill('SIGTERM')
  }
  const code = await exited
  clearTimeout(killer)
  return {
    code,
    stdout: stripVTControlCharacters(stdout),
    stderr: stripVTControlCharacters(stderr),
    startedAt,
    endedAt: Date.now(),
  }
}

function expectNoSecrets(result: CliResult): void {
  for (const text of [result.stdout, result.stderr]) {
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain(WRONG_PASSWORD)
    expect(text).not.toMatch(STACK_FRAME)
  }
}

describe('glucoshare archive', () => {
  it('archives the last 24 hours on start, serves metrics, and stops on SIGTERM with exit 0', async () => {
    const archive = join(dir, 'one.db')
    let scraped = ''
    const result = await runUntil(
      [
        'archive',
        '--server',
        url,
        '--username',
        'arch_alice',
        '--archive',
        archive,
        '--metrics-port',
        '0',
      ],
      { GLUCOSHARE_PASSWORD: PASSWORD },
      [/metrics on (http:\S+)/, /arch_alice: 30 new readings \(read the last 24 hours\)/],
      async (stdout) => {
        const metricsUrl = /metrics on (http:\S+)/.exec(stdout)![1]!
        scraped = await (await fetch(metricsUrl)).text()
      },
    )
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/archiving arch_alice \(127\.0\.0\.1:\d+\) into .*one\.db/)
    expect(result.stdout).toMatch(/100 mg\/dL → 1 min \d\d s old, next poll \d\d:\d\d:\d\d/)
    expect(result.stdout).toMatch(/ stopped\n$/)
    expect(scraped).toMatch(/^glucoshare_glucose_mgdl\{source="arch_alice"\} 100$/m)
    expect(scraped).toMatch(/^glucoshare_archive_readings_stored_total\{source="arch_alice"\} 30$/m)
    expectNoSecrets(result)
    const store = ArchiveStore.open(archive, { readonly: true })
    try {
      expect(store.count({ source: 'arch_alice' })).toBe(30)
      expect(store.newest('arch_alice')).toEqual({
        source: 'arch_alice',
        systemTime: now - MINUTE,
        offsetMinutes: 120,
        value: 100,
        trend: 4,
      })
    } finally {
      store.close()
    }
  })

  it('follows several accounts from an accounts file, each under its name', async () => {
    const archive = join(dir, 'many.db')
    const file = join(dir, 'accounts.json')
    writeFileSync(
      file,
      JSON.stringify({
        server: url,
        accounts: [
          { name: 'Alice', username: 'arch_alice', passwordEnv: 'ALICE_PW' },
          { username: 'arch_bob', passwordEnv: 'BOB_PW' },
        ],
      }),
    )
    const result = await runUntil(
      ['archive', '--accounts', file, '--archive', archive],
      { ALICE_PW: PASSWORD, BOB_PW: PASSWORD },
      [/Alice: 30 new readings/, /arch_bob: 3 new readings/],
    )
    expect(result.code).toBe(0)
    expectNoSecrets(result)
    const store = ArchiveStore.open(archive, { readonly: true })
    try {
      expect(store.sources()).toEqual(['Alice', 'arch_bob'])
      expect(store.count({})).toBe(33)
    } finally {
      store.close()
    }
  })

  it('prints nothing but failures with --quiet, and stops an account whose login is refused', async () => {
    const file = join(dir, 'mixed.json')
    writeFileSync(
      file,
      JSON.stringify([
        { name: 'good', server: url, username: 'arch_bob', passwordEnv: 'GOOD_PW' },
        { name: 'bad', server: url, username: 'arch_bob', passwordEnv: 'BAD_PW' },
      ]),
    )
    // The good account keeps it running; wait for the bad one's message, then stop it.
    const result = await runUntil(
      ['archive', '--accounts', file, '--archive', join(dir, 'quiet.db'), '--quiet'],
      { GOOD_PW: PASSWORD, BAD_PW: WRONG_PASSWORD },
      [/stopped following bad/],
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(
      /bad: 127\.0\.0\.1:\d+ refused the login: wrong username\/password.*; stopped following bad/,
    )
    expectNoSecrets(result)
  })

  it('exits 1 with a clear message when the only login is refused', async () => {
    const result = await runCli(
      ['archive', '--server', url, '--username', 'arch_bob', '--archive', join(dir, 'x.db')],
      { cwd: dir, env: { XDG_CONFIG_HOME: xdg, GLUCOSHARE_PASSWORD: WRONG_PASSWORD } },
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/arch_bob: .* refused the login: wrong username\/password/)
    expect(result.stderr).toMatch(
      /^glucoshare: the login was refused, so nothing is being archived$/m,
    )
    expectNoSecrets(result)
  })

  it('refuses a bad accounts file with exit 2', async () => {
    // Every other check of the file is in followed-accounts.test.ts, in-process.
    const file = join(dir, 'bad-accounts.json')
    writeFileSync(file, JSON.stringify({ accounts: [{ username: 'a', pasword: 'x' }] }))
    const result = await runCli(['archive', '--accounts', file], {
      cwd: dir,
      env: { XDG_CONFIG_HOME: xdg },
    })
    expect(result.stderr).toMatch(/^glucoshare: accounts\[0\] in .* has an unknown key "pasword"/)
    expect(result.code).toBe(2)
  })

  it('refuses a bad option with exit 2', async () => {
    const env = { XDG_CONFIG_HOME: xdg, GLUCOSHARE_PASSWORD: PASSWORD }
    const port = await runCli(
      ['archive', '--server', url, '--username', 'a', '--metrics-port', 'x'],
      { cwd: dir, env },
    )
    expect(port.stderr).toMatch(/--metrics-port must be a whole number from 0 to 65535/)
    expect(port.code).toBe(2)
  })

  it('runs only the subcommand for `archive serve`, not the follower loop', async () => {
    const result = await runCli(['archive', 'serve', '--archive', join(dir, 'missing.db')], {
      cwd: dir,
      env: { XDG_CONFIG_HOME: xdg },
    })
    expect(result.stderr).toMatch(/no archive at/)
    expect(result.stdout).not.toMatch(/archiving/)
    expect(result.stderr).not.toMatch(/say which Share account/)
  })
})
