/**
`glucoshare serve --smtp-url`: the built command serves with an SMTP server configured, a
publisher invites a contact over HTTP, and the invitation e-mail reaches a local SMTP server
(smtp-server) with the invitation id. Needs `npx tsc -b` first, as `npm test` does.
*/
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEXCOM_APPLICATION_ID } from '@glucoshare/sdk'
import { BIN, cleanEnv, runCli, type CliResult } from './run-cli.js'
import { collectOutput } from './collect-output.js'

// Test-only credentials; nothing here resembles a real secret.
const PUBLISHER_PASSWORD = 'smtp-e2e-publisher-passphrase'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

let dir = ''

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-smtp-'))
})

afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

function cli(args: readonly string[], input = ''): Promise<CliResult> {
  return runCli(args, { cwd: dir, input, env: { XDG_CONFIG_HOME: dir } })
}

describe('glucoshare serve --smtp-url', () => {
  it('e-mails the invitation id to the contact through the SMTP server', async () => {
    const smtpPassword = 'smtp-test-secret-not-real'
    const mails: string[] = []
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      authOptional: true,
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.password === smtpPassword) callback(null, { user: auth.username })
        else callback(new Error('bad credentials'))
      },
      onData(stream, _session, callback) {
        const chunks: Buffer[] = []
        stream.on('data', (chunk: Buffer) => chunks.push(chunk))
        stream.on('end', () => {
          mails.push(Buffer.concat(chunks).toString('utf8'))
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
    const smtpPort = (smtp.server.address() as AddressInfo).port
    const db = join(dir, 'mail.db')
    const added = await cli(
      ['accounts', 'add', '--db', db, '--username', 'alice', '--password-stdin'],
      PUBLISHER_PASSWORD,
    )
    expect(added.code, added.stderr).toBe(0)

    const child = spawn(
      process.execPath,
      [BIN, 'serve', '--port', '0', '--db', db, '--mail-from', 'glucoshare@example.org'],
      {
        cwd: dir,
        env: cleanEnv({
          GLUCOSHARE_SMTP_URL: `smtp://mailer:${smtpPassword}@127.0.0.1:${smtpPort}`,
        }),
      },
    )
    const output = collectOutput(child)
    try {
      await output.waitFor(() => /^glucoshare listening on http:\/\/\S+$/m.test(output.stdout))
      const url = /^glucoshare listening on (http:\/\/\S+)$/m.exec(output.stdout)![1]!
      expect(output.stdout).toContain(
        `invitation e-mails go out through SMTP server 127.0.0.1:${smtpPort}`,
      )
      const invitationId = await inviteOverHttp(url, 'mum@example.org')
      await output.waitFor(() => mails.length > 0)
      const mail = mails[0]!.replace(/=\r?\n/g, '')
      expect(mail).toMatch(/^To: mum@example\.org$/m)
      expect(mail).toMatch(/^From: glucoshare@example\.org$/m)
      expect(mail).toContain(`Invitation id: ${invitationId}`)
      expect(mail).toContain(`glucoshare invitations accept ${invitationId}`)
    } finally {
      child.kill('SIGTERM')
      await output.exited
      await new Promise<void>((resolve) => smtp.close(resolve))
    }
    expect(output.stdout + output.stderr).not.toContain(smtpPassword)
  })

  it('refuses SMTP options that cannot work, without quoting the URL', async () => {
    const [noFrom, noUrl, bad] = await Promise.all([
      cli(['serve', '--port', '0', '--smtp-url', 'smtp://127.0.0.1:2525']),
      cli(['serve', '--port', '0', '--mail-from', 'glucoshare@example.org']),
      cli([
        'serve',
        '--port',
        '0',
        '--smtp-url',
        'http://user:hidden-secret@example.org',
        '--mail-from',
        'glucoshare@example.org',
      ]),
    ])
    expect(noFrom.code).toBe(2)
    expect(noFrom.stderr).toContain('--smtp-url needs --mail-from')
    expect(noUrl.code).toBe(2)
    expect(noUrl.stderr).toContain('--mail-from needs --smtp-url')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('the SMTP URL must look like smtp://')
    expect(bad.stderr).not.toContain('hidden-secret')
  })
})

/** Logs alice in over HTTP, adds a contact and invites it; answers the invitation id. */
async function inviteOverHttp(url: string, email: string): Promise<string> {
  const call = async (operation: string, query: Record<string, string>, body: unknown = {}) => {
    const response = await fetch(
      `${url}/ShareWebServices/Services/${operation}?${new URLSearchParams(query).toString()}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      },
    )
    const text = await response.text()
    expect(response.status, `${operation}: ${text}`).toBe(200)
    return JSON.parse(text) as string
  }
  const credentials = { password: PUBLISHER_PASSWORD, applicationId: DEXCOM_APPLICATION_ID }
  const accountId = await call(
    'General/AuthenticatePublisherAccount',
    {},
    {
      accountName: 'alice',
      ...credentials,
    },
  )
  const sessionId = await call(
    'General/LoginPublisherAccountById',
    {},
    { accountId, ...credentials },
  )
  const contactId = await call('Publisher/CreateContact', {
    sessionId,
    contactName: 'Mum',
    emailAddress: email,
  })
  const subscriptionId = await call('Publisher/CreateSubscriptionInvitation', {
    sessionId,
    contactId,
  })
  const invitationId = await call('Publisher/ReadSubscriptionInviteId', {
    sessionId,
    subscriptionId,
  })
  expect(invitationId).toMatch(UUID)
  return invitationId
}
