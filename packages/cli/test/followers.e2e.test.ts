/**
The follower commands, run as the built `glucoshare` against a real glucoshare server on a real
socket: `invitations list` (the database, as the admin), `invitations accept` and `follow` (as a
follower, one-shot and `--stream`). Needs `npx tsc -b` first, as `npm test` does.
*/
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generate } from 'selfsigned'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock, startTestServer, type TestServer } from '../../server/src/test-support.js'
import type { Account } from '../../server/src/store/store.js'
import {
  FOLLOWER_PASSWORD,
  MINUTE,
  PUBLISHER_PASSWORD,
  invite,
  upload,
  type Invitation,
} from '../../sdk/src/test-follower-fixture.js'
import { BIN, cleanEnv, runCli, type CliResult } from './run-cli.js'
import { collectOutput } from './collect-output.js'

const STACK_FRAME = /^\s+at /m
const urgentLowNow = {
  FixedLowAlert: { IsEnabled: true, MaxValue: 55, AlarmDelay: 'PT0M', RealarmDelay: 'PT30M' },
}

let dir = ''
let server: TestServer
let base = ''
let invitation: Invitation
const outputs: CliResult[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-followers-'))
  // The commands read the real clock, so the server's starts at the real time.
  server = await startTestServer({ clock: new ManualClock(Date.now()) })
  await server.app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`
  invitation = await invite(server, { displayName: 'Sam', alertSettings: urgentLowNow })
})

afterAll(async () => {
  const closing = server.close()
  server.app.server.closeAllConnections()
  await closing
  rmSync(dir, { recursive: true, force: true })
  // Nothing any command printed holds a password or a stack trace.
  for (const output of outputs) {
    const text = output.stdout + output.stderr
    expect(text).not.toContain(FOLLOWER_PASSWORD)
    expect(text).not.toContain(PUBLISHER_PASSWORD)
    expect(text).not.toMatch(STACK_FRAME)
  }
})

async function cli(args: readonly string[], input = ''): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir, input, env: { XDG_CONFIG_HOME: dir } })
  outputs.push(result)
  return result
}

/** The follower options for an account, with the password on standard input. */
function as(follower: Account): string[] {
  return ['--server', base, '--follower-id', follower.id, '--password-stdin']
}

describe('glucoshare invitations list', () => {
  it("shows each contact's invitation id, state and expiry, from the database", async () => {
    const table = await cli(['invitations', 'list', '--db', server.dbPath])
    expect(table.code, table.stderr).toBe(0)
    const header = table.stdout.split('\n')[0]!
    expect(header.split(/\s+/)).toEqual([
      'publisher',
      'contact',
      'email',
      'state',
      'invitationId',
      'expires',
    ])
    const row = table.stdout.split('\n').find((line) => line.includes(invitation.invitationId))
    expect(row).toContain(invitation.publisher.username)
    expect(row).toContain('pending')
    expect(row).toContain(new Date(server.clock.now() + 7 * 24 * 60 * MINUTE).toISOString())

    const json = await cli(['invitations', 'list', '--db', server.dbPath, '--json'])
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[]
    expect(rows.find((r) => r['invitationId'] === invitation.invitationId)).toEqual({
      publisher: invitation.publisher.username,
      contact: expect.stringMatching(/^Follower /),
      email: expect.stringMatching(/@example\.org$/),
      state: 'pending',
      invitationId: invitation.invitationId,
      expires: new Date(server.clock.now() + 7 * 24 * 60 * MINUTE).toISOString(),
      subscriptionId: invitation.subscriptionId,
      followerId: '',
      paused: false,
    })
  })

  it('shows one publisher by username or account id, and refuses an unknown one', async () => {
    const other = await invite(server)
    const list = (publisher: string, json = true) =>
      cli([
        'invitations',
        'list',
        '--db',
        server.dbPath,
        '--publisher',
        publisher,
        ...(json ? ['--json'] : []),
      ])
    const [byName, byId, unknown, follower] = await Promise.all([
      list(invitation.publisher.username),
      list(invitation.publisher.id),
      list('nobody', false),
      list(invitation.follower.id, false),
    ])
    for (const result of [byName, byId]) {
      const ids = (JSON.parse(result.stdout) as { invitationId: string }[]).map(
        (r) => r.invitationId,
      )
      expect(ids).toEqual([invitation.invitationId])
      expect(ids).not.toContain(other.invitationId)
    }
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('no publisher account "nobody"')
    expect(follower.code).toBe(2)
  })
})

describe('glucoshare invitations accept', () => {
  it('accepts as the follower, after which the list shows it accepted', async () => {
    const result = await cli(
      ['invitations', 'accept', invitation.invitationId, ...as(invitation.follower)],
      FOLLOWER_PASSWORD,
    )
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe(
      `accepted: you now follow Sam (subscription ${invitation.subscriptionId}); see the readings with glucoshare follow\n`,
    )
    const again = await cli(
      ['invitations', 'accept', invitation.invitationId, ...as(invitation.follower), '--json'],
      FOLLOWER_PASSWORD,
    )
    expect(JSON.parse(again.stdout)).toEqual({
      subscriptionId: invitation.subscriptionId,
      publisher: 'Sam',
    })
    const list = await cli(['invitations', 'list', '--db', server.dbPath, '--json'])
    const row = (JSON.parse(list.stdout) as Record<string, unknown>[]).find(
      (r) => r['invitationId'] === invitation.invitationId,
    )
    expect(row).toMatchObject({ state: 'accepted', followerId: invitation.follower.id })
  })

  it('takes the follower from the environment', async () => {
    const next = await invite(server, { follower: invitation.follower })
    const result = await runCli(['invitations', 'accept', next.invitationId, '--json'], {
      cwd: dir,
      env: {
        XDG_CONFIG_HOME: dir,
        GLUCOSHARE_SERVER: base,
        GLUCOSHARE_FOLLOWER_ID: invitation.follower.id,
        GLUCOSHARE_FOLLOWER_PASSWORD: FOLLOWER_PASSWORD,
      },
    })
    outputs.push(result)
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout).subscriptionId).toBe(next.subscriptionId)
  })

  it('explains a wrong password, an unknown or expired invitation and bad options', async () => {
    const fresh = await invite(server)
    const wrong = await cli(
      ['invitations', 'accept', fresh.invitationId, ...as(fresh.follower)],
      'wrong-passphrase',
    )
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain("refused the login: check the follower's account id")
    expect(wrong.stderr).not.toContain('wrong-passphrase')

    const unknown = await cli(
      ['invitations', 'accept', '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f', ...as(fresh.follower)],
      FOLLOWER_PASSWORD,
    )
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('has no open invitation 0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f')

    const now = server.clock.now()
    server.clock.advance(7 * 24 * 60 * MINUTE + 1)
    try {
      const expired = await cli(
        ['invitations', 'accept', fresh.invitationId, ...as(fresh.follower)],
        FOLLOWER_PASSWORD,
      )
      expect(expired.code).toBe(1)
      expect(expired.stderr).toContain('the invitation has expired')
    } finally {
      server.clock.set(now)
    }

    const notUuid = await cli(['invitations', 'accept', 'abc', ...as(fresh.follower)])
    expect(notUuid.code).toBe(2)
    expect(notUuid.stderr).toContain('the invitation id must be a UUID')
    const noFollower = await cli(['invitations', 'accept', fresh.invitationId, '--server', base])
    expect(noFollower.code).toBe(2)
    expect(noFollower.stderr).toContain('--follower-id')
    const badId = await cli(
      ['invitations', 'accept', fresh.invitationId, '--server', base, '--follower-id', 'bob'],
      FOLLOWER_PASSWORD,
    )
    expect(badId.code).toBe(2)
    const noServer = await cli(
      ['invitations', 'accept', fresh.invitationId, '--follower-id', fresh.follower.id],
      FOLLOWER_PASSWORD,
    )
    expect(noServer.code).toBe(2)
    expect(noServer.stderr).toContain('--server URL')
  })
})

describe('glucoshare follow over HTTPS', () => {
  it('accepts and streams from a self-signed server under --insecure, with a warning', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec',
      algorithm: 'sha256',
      notAfterDate: new Date(Date.now() + 24 * 60 * MINUTE),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    })
    const tls = await startTestServer({
      clock: new ManualClock(Date.now()),
      app: { tls: { key: pems.private, cert: pems.cert } },
    })
    try {
      await tls.app.listen({ port: 0, host: '127.0.0.1' })
      const url = `https://127.0.0.1:${(tls.app.server.address() as AddressInfo).port}`
      const secure = await invite(tls, { displayName: 'Kim' })
      const options = ['--server', url, '--follower-id', secure.follower.id, '--password-stdin']
      const refused = await cli(
        ['invitations', 'accept', secure.invitationId, ...options],
        FOLLOWER_PASSWORD,
      )
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('its TLS certificate is not trusted')
      const accepted = await cli(
        ['invitations', 'accept', secure.invitationId, ...options, '--insecure'],
        FOLLOWER_PASSWORD,
      )
      expect(accepted.code, accepted.stderr).toBe(0)
      expect(accepted.stderr).toMatch(
        /^glucoshare: warning: --insecure: the TLS certificate of 127\.0\.0\.1:\d+ is not checked/,
      )

      const child = spawn(
        process.execPath,
        [BIN, 'follow', ...options, '--insecure', '--stream', '--json'],
        { cwd: dir, env: cleanEnv({ XDG_CONFIG_HOME: dir }) },
      )
      const output = collectOutput(child)
      child.stdin.end(FOLLOWER_PASSWORD)
      try {
        await output.waitFor(() => output.stderr.includes('waiting for readings and alerts'))
        await upload(tls, secure, [{ minutesAgo: 0, value: 133, trend: 4 }])
        await output.waitFor(() => output.stdout.includes('\n'))
        expect(JSON.parse(output.stdout.split('\n')[0]!)).toMatchObject({
          type: 'reading',
          publisher: 'Kim',
          mgDl: 133,
        })
      } finally {
        child.kill('SIGINT')
      }
      expect(await output.exited).toBe(0)
      outputs.push({
        code: 0,
        stdout: output.stdout,
        stderr: output.stderr,
        startedAt: 0,
        endedAt: 0,
      })
    } finally {
      const closing = tls.close()
      tls.app.server.closeAllConnections()
      await closing
    }
  })
})

describe('glucoshare follow', () => {
  it("prints each publisher's newest reading and the alerts sounding now", async () => {
    await upload(server, invitation, [
      { minutesAgo: 5, value: 61, trend: 5 },
      { minutesAgo: 0, value: 50, trend: 6 },
    ])
    const table = await cli(['follow', ...as(invitation.follower)], FOLLOWER_PASSWORD)
    expect(table.code, table.stderr).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]!.split(/\s+/)).toEqual([
      'publisher',
      'mg/dL',
      'mmol/L',
      'trend',
      'time',
      'age',
      'stale',
      'alerts',
    ])
    const sam = lines.find((line) => line.startsWith('Sam '))
    expect(sam).toMatch(/^Sam\s+50\s+2\.8\s+↓ SingleDown\s+.+\s+no\s+urgentLow$/)
    expect(lines.some((line) => line.includes('no reading in 24 h'))).toBe(true)

    const json = await cli(['follow', ...as(invitation.follower), '--json'], FOLLOWER_PASSWORD)
    const rows = JSON.parse(json.stdout) as {
      subscriptionId: string
      publisher: string
      sharing: boolean
      history: boolean
      alerts: string[]
      reading: { mgDl: number; trendDirection: string; stale: boolean } | null
    }[]
    const row = rows.find((r) => r.subscriptionId === invitation.subscriptionId)
    expect(row).toMatchObject({
      publisher: 'Sam',
      sharing: true,
      history: true,
      alerts: ['urgentLow'],
      reading: { mgDl: 50, trendDirection: 'SingleDown', stale: false },
    })
  })

  it('exits 3 for a follower who follows no one', async () => {
    const { account } = await server.addAccount({ kind: 'follower', password: FOLLOWER_PASSWORD })
    const result = await cli(['follow', ...as(account)], FOLLOWER_PASSWORD)
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('you follow no one yet')
  })

  it('prints live readings and alerts with --stream until interrupted', async () => {
    const child = spawn(
      process.execPath,
      [BIN, 'follow', ...as(invitation.follower), '--stream', '--json'],
      { cwd: dir, env: cleanEnv({ XDG_CONFIG_HOME: dir }) },
    )
    const output = collectOutput(child)
    child.stdin.end(FOLLOWER_PASSWORD)
    try {
      await output.waitFor(() => output.stderr.includes('waiting for readings and alerts'))
      expect(output.stderr).toContain('following 2 publishers on 127.0.0.1:')
      server.clock.advance(5 * MINUTE)
      await upload(server, invitation, [{ minutesAgo: 0, value: 47, trend: 7 }])
      await output.waitFor(() => output.stdout.split('\n').filter(Boolean).length >= 1)
      const [reading] = output.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
      expect(reading).toMatchObject({
        type: 'reading',
        subscriptionId: invitation.subscriptionId,
        publisher: 'Sam',
        mgDl: 47,
        trendDirection: 'DoubleDown',
      })
    } finally {
      child.kill('SIGINT')
    }
    const code = await output.exited
    expect(code).toBe(0)
    outputs.push({ code, stdout: output.stdout, stderr: output.stderr, startedAt: 0, endedAt: 0 })
  })
})
