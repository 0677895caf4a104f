/**
`glucoshare doctor` against real glucoshare servers on real sockets: a working login, a wrong
password, a badly typed username, a locked account, an unreachable server (the built command,
`npx tsc -b` first), and the region sweep with the regions' base URLs pointed at local servers,
so that no test touches Dexcom.
*/
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ShareClient } from '@glucoshare/sdk'
import { SqliteStore, createAccount, serve, type RunningServer } from '@glucoshare/server'
import { diagnoseLogin, type DoctorCredentials } from '../src/doctor/diagnose-login.js'
import { runCli, type CliResult } from './run-cli.js'

// A cheap scrypt cost keeps fixture logins fast; the server reads the cost from each hash.
const FIXTURE_SCRYPT_COST = 1024
// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'doctor-test-passphrase-not-secret'
const WRONG_PASSWORD = 'doctor-wrong-passphrase-not-secret'
const STACK_FRAME = /\n\s+at /

let dir = ''
let usServer: RunningServer | undefined
let ousServer: RunningServer | undefined
let closedUrl = ''

async function startServer(name: string, usernames: readonly string[]): Promise<RunningServer> {
  const store = new SqliteStore({ path: join(dir, `${name}.sqlite`) })
  await store.migrate()
  for (const username of usernames)
    await createAccount(store, { username, password: PASSWORD }, Date.now(), FIXTURE_SCRYPT_COST)
  return serve({ store, port: 0, host: '127.0.0.1', logger: false })
}

function doctor(args: readonly string[], password = PASSWORD): Promise<CliResult> {
  return runCli(['doctor', ...args, '--password-stdin'], {
    cwd: dir,
    input: password,
    env: { XDG_CONFIG_HOME: dir },
  })
}

function expectNoSecrets(result: CliResult): void {
  const printed = `${result.stdout}${result.stderr}`
  expect(printed).not.toContain(PASSWORD)
  expect(printed).not.toContain(WRONG_PASSWORD)
  expect(printed).not.toMatch(STACK_FRAME)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-doctor-'))
  usServer = await startServer('us', ['doc_pat', 'locked_pat'])
  ousServer = await startServer('ous', ['roaming_pat'])
  const share = new ShareClient({ baseUrl: usServer.url, username: 'doc_pat', password: PASSWORD })
  await share.assignReceiver('SM12121212')
  await share.startMonitoringSession('SM12121212')
  await share.postReadings('SM12121212', [
    { date: new Date(Date.now() - 3 * 60_000), mgDl: 120, trend: 'Flat' },
  ])
  // Six failed logins lock locked_pat (the server's default).
  for (let attempt = 0; attempt < 6; attempt++) {
    await new ShareClient({
      baseUrl: usServer.url,
      username: 'locked_pat',
      password: WRONG_PASSWORD,
    })
      .login()
      .catch(() => undefined)
  }
  const closed = createServer().listen(0, '127.0.0.1')
  await new Promise((resolve) => closed.once('listening', resolve))
  const { port } = closed.address() as { port: number }
  await new Promise((resolve) => closed.close(resolve))
  closedUrl = `http://127.0.0.1:${port}`
})

afterAll(async () => {
  await usServer?.close()
  await ousServer?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('glucoshare doctor (the built command)', () => {
  it('says the login works and shows the age of the newest reading', async () => {
    const result = await doctor(['--server', usServer!.url, '--username', 'doc_pat'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^Checking the Share login of "doc_pat"\n/)
    expect(result.stdout).toMatch(/ok {7}"doc_pat" has the shape of a username/)
    expect(result.stdout).toMatch(/127\.0\.0\.1:\d+ {2}works/)
    expect(result.stdout).toMatch(/Readings: newest reading [34] min ago/)
    expect(result.stdout).toMatch(/Diagnosis: the login works\n$/)
    expectNoSecrets(result)
  })

  it('explains a wrong password in plain words, without printing it', async () => {
    const result = await doctor(
      ['--server', usServer!.url, '--username', 'doc_pat'],
      WRONG_PASSWORD,
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/127\.0\.0\.1:\d+ {2}refused/)
    expect(result.stdout).toMatch(/Diagnosis: 127\.0\.0\.1:\d+ refused the login/)
    expect(result.stdout).toMatch(/- check that the account exists on 127\.0\.0\.1:\d+/)
    expect(result.stdout).toMatch(/- check the password by signing in to the Dexcom app/)
    expect(result.stdout).toMatch(/- use the publisher's login .* not a follower's/)
    expectNoSecrets(result)
  })

  it('finds a badly typed phone number and does not spend a login on it', async () => {
    // Nothing listens at closedUrl: an attempt would have been reported as unreachable.
    const result = await doctor(['--server', closedUrl, '--username', '+1 (555) 123-4567'])
    expect(result.code).toBe(2)
    expect(result.stdout).toMatch(/error {4}"\+1 \(555\) 123-4567" contains spaces or punctuation/)
    expect(result.stdout).toMatch(/Diagnosis: doctor did not try to log in/)
    expect(result.stdout).toMatch(/- give the phone number as \+15551234567/)
    expect(result.stdout).not.toMatch(/Logins tried/)
    expectNoSecrets(result)
  })

  it('stops at a lockout and says to wait', async () => {
    const result = await doctor(['--server', usServer!.url, '--username', 'locked_pat'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/Diagnosis: 127\.0\.0\.1:\d+ has locked the account/)
    expect(result.stdout).toMatch(/- wait before trying again/)
    expectNoSecrets(result)
  })

  it('reports a server it cannot reach', async () => {
    const result = await doctor(['--server', closedUrl, '--username', 'doc_pat'])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/failed: cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/)
    expectNoSecrets(result)
  })
})

describe('diagnoseLogin region sweep', () => {
  let logins = 0
  // Counts login attempts (each starts with AuthenticatePublisherAccount).
  const counting: typeof fetch = (input, init) => {
    if (
      String(input instanceof Request ? input.url : input).includes('AuthenticatePublisherAccount')
    ) {
      logins += 1
    }
    return fetch(input, init)
  }
  const sweep = (credentials: Omit<DoctorCredentials, 'password'>) => {
    logins = 0
    return diagnoseLogin(
      { password: PASSWORD, ...credentials },
      {
        fetch: counting,
        regionBaseUrls: { us: usServer!.url, ous: ousServer!.url, jp: usServer!.url },
      },
    )
  }

  it('finds the account in another region and says which --region to use', async () => {
    const report = await sweep({ username: 'roaming_pat', region: 'us' })
    expect(report.attempts.map((a) => [a.target.split(' (')[0], a.outcome])).toStrictEqual([
      ['region us', 'refused'],
      ['region ous', 'works'],
    ])
    expect(report.diagnosis).toBe('the account is in region ous, not us')
    expect(report.fixes[0]).toMatch(/^add --region ous/)
    expect(report.exitCode).toBe(1)
    expect(logins).toBe(2)
  })

  it('tries each region once and never more than three logins', async () => {
    const report = await sweep({ username: 'nobody_pat', region: 'ous' })
    expect(report.attempts.map((a) => a.target.split(' (')[0])).toStrictEqual([
      'region ous',
      'region us',
      'region jp',
    ])
    expect(report.attempts.every((a) => a.outcome === 'refused')).toBe(true)
    expect(report.diagnosis).toBe('every region refused the login')
    expect(logins).toBe(3)
  })

  it('stops at the first lockout', async () => {
    const report = await sweep({ username: 'locked_pat', region: 'ous' })
    expect(report.attempts.map((a) => a.outcome)).toStrictEqual(['refused', 'locked'])
    expect(report.diagnosis).toMatch(/has locked the account/)
    expect(logins).toBe(2)
  })

  it('puts a username warning first among the fixes when every region refuses', async () => {
    const report = await sweep({ username: '5551234567', region: 'us' })
    expect(report.findings[0]).toMatchObject({ level: 'warning' })
    expect(report.fixes[0]).toMatch(/\+<country code><number>/)
    expect(logins).toBe(3)
  })
})
