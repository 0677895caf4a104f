/**
The built `glucoshare` command, run as a process: usage, exit codes and messages, and the
accounts commands against a real SQLite file. Needs `npx tsc -b` first, as `npm test` does.
*/
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stripVTControlCharacters } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SqliteStore } from '@glucoshare/server'
import { BIN, cleanEnv, runCli, type CliResult } from './run-cli.js'

// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'cli-test-passphrase-not-secret'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const STACK_FRAME = /^\s+at /m

let dir = ''
let db = ''

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-cli-'))
  db = join(dir, 'db.sqlite')
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** Runs the built CLI in the test's folder, with `input` on standard input. */
const cli = (args: readonly string[], input = '') => runCli(args, { cwd: dir, input })

function addAccount(username: string, ...extra: string[]): Promise<CliResult> {
  return cli(
    ['accounts', 'add', '--username', username, '--password-stdin', '--db', db, ...extra],
    `${PASSWORD}\n`,
  )
}

/** Asserts a failure with a one-line `glucoshare:` message and no stack trace. */
function expectCleanFailure(result: CliResult, code: number, message: string | RegExp): void {
  expect(result.code).toBe(code)
  expect(result.stderr).toMatch(/^glucoshare: /)
  expect(result.stderr).toMatch(message)
  expect(result.stderr).not.toMatch(STACK_FRAME)
}

describe('glucoshare --help', () => {
  it('lists the serve and accounts commands and exits 0', async () => {
    const result = await cli(['--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\s+serve\s+Run the Share-compatible server/m)
    expect(result.stdout).toMatch(/^\s+accounts\s+Create and list accounts/m)
  })

  it('shows the usage when run without arguments', async () => {
    const result = await cli([])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('serve')
    expect(result.stdout).toContain('accounts')
  })

  it('refuses an unknown command with exit 2 and points to --help', async () => {
    const result = await cli(['frobnicate'])
    expectCleanFailure(result, 2, /Unknown command.*frobnicate[\s\S]*glucoshare --help/)
  })

  it('documents --password-stdin in the usage of accounts add', async () => {
    const result = await cli(['accounts', 'add', '--help'])
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('--password-stdin')
    expect(result.stdout).toContain('--username')
  })
})

describe('the glucoshare launcher', () => {
  it('runs by itself, through its #! line, as an installed command does', async () => {
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(BIN, ['--help'], { cwd: dir, env: cleanEnv() })
      let stdout = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.on('error', reject)
      child.on('close', (code) => resolve({ code, stdout: stripVTControlCharacters(stdout) }))
    })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\s+serve\s+/m)
  })
})

describe('glucoshare accounts add', () => {
  it('prints the new account id and stores the account', async () => {
    const result = await addAccount('alice')
    expect(result.code).toBe(0)
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^[0-9a-f-]{36}\n$/)
    const id = result.stdout.trim()
    expect(id).toMatch(UUID)
    const listed = await cli(['accounts', 'list', '--db', db, '--json'])
    expect((JSON.parse(listed.stdout) as { accountId: string }[]).map((r) => r.accountId)).toEqual([
      id,
    ])
  })

  it('prints one JSON object with accountId, username and kind under --json', async () => {
    const result = await addAccount('bob', '--json')
    expect(result.code).toBe(0)
    expect(result.stdout.endsWith('\n')).toBe(true)
    expect(result.stdout.trim().split('\n')).toHaveLength(1)
    const printed = JSON.parse(result.stdout) as Record<string, unknown>
    expect(Object.keys(printed)).toStrictEqual(['accountId', 'username', 'kind'])
    expect(printed['accountId']).toMatch(UUID)
    expect(printed['username']).toBe('bob')
    expect(printed['kind']).toBe('publisher')
  })

  it('creates a follower account with --follower, listed with kind follower', async () => {
    const result = await addAccount('carol', '--follower', '--json')
    expect(result.code).toBe(0)
    const printed = JSON.parse(result.stdout) as Record<string, unknown>
    expect(printed['kind']).toBe('follower')
    const store = new SqliteStore({ path: db })
    await store.migrate()
    try {
      const account = await store.findAccountById(String(printed['accountId']))
      expect(account?.kind).toBe('follower')
    } finally {
      await store.close()
    }
    const listed = await cli(['accounts', 'list', '--db', db, '--json'])
    const rows = JSON.parse(listed.stdout) as Record<string, unknown>[]
    expect(rows.map((row) => [row['username'], row['kind']])).toEqual([['carol', 'follower']])
  })

  it('refuses to run without --password-stdin, exit 2, and creates nothing', async () => {
    const result = await cli(['accounts', 'add', '--username', 'carol', '--db', db], PASSWORD)
    expectCleanFailure(result, 2, /--password-stdin/)
    expect(result.stdout).toBe('')
    expect(existsSync(db)).toBe(false)
  })

  it('refuses an empty standard input with exit 2', async () => {
    const result = await cli([
      'accounts',
      'add',
      '--username',
      'carol',
      '--password-stdin',
      '--db',
      db,
    ])
    expectCleanFailure(result, 2, /no password arrived on standard input/)
  })

  it('refuses a password shorter than 8 characters with exit 2', async () => {
    const result = await cli(
      ['accounts', 'add', '--username', 'carol', '--password-stdin', '--db', db],
      'short\n',
    )
    expectCleanFailure(result, 2, /password needs 8 to 1024 characters/)
  })

  it('refuses a username that is already taken with exit 1, in any letter case', async () => {
    expect((await addAccount('dave')).code).toBe(0)
    const again = await addAccount('dave')
    expectCleanFailure(again, 1, /that username is already used by another account/)
    expect(again.stdout).toBe('')
    const upper = await addAccount('DAVE')
    expectCleanFailure(upper, 1, /that username is already used by another account/)
    const listed = await cli(['accounts', 'list', '--db', db, '--json'])
    expect(JSON.parse(listed.stdout)).toHaveLength(1)
  })

  it('refuses an email address another account uses with exit 1', async () => {
    expect((await addAccount('erin', '--email', 'erin@example.test')).code).toBe(0)
    const result = await addAccount('erin2', '--email', 'erin@example.test')
    expectCleanFailure(result, 1, /that email is already used by another account/)
  })

  it('refuses a malformed email address with exit 2', async () => {
    const result = await addAccount('frank', '--email', 'not-an-email')
    expectCleanFailure(result, 2, /"not-an-email" is not an email address/)
    const listed = await cli(['accounts', 'list', '--db', db, '--json'])
    expect(JSON.parse(listed.stdout)).toStrictEqual([])
  })

  it('refuses a malformed username with exit 2', async () => {
    const result = await addAccount('a b')
    expectCleanFailure(result, 2, /username needs 3 to 64/)
  })

  it('refuses a missing --username with exit 2', async () => {
    const result = await cli(['accounts', 'add', '--password-stdin', '--db', db], PASSWORD)
    expectCleanFailure(result, 2, /Missing required argument: --username/)
    expect(existsSync(db)).toBe(false)
  })
})

describe('glucoshare accounts list', () => {
  it('prints every field under --json and an aligned table otherwise', async () => {
    const added = await addAccount(
      'grace',
      '--email',
      'grace@example.test',
      '--phone',
      '+1 (555) 010-2030',
      '--display-name',
      'Grace H',
      '--json',
    )
    const { accountId } = JSON.parse(added.stdout) as { accountId: string }

    const json = await cli(['accounts', 'list', '--db', db, '--json'])
    expect(json.code).toBe(0)
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[]
    expect(rows).toHaveLength(1)
    expect(Object.keys(rows[0] ?? {})).toStrictEqual([
      'accountId',
      'kind',
      'username',
      'email',
      'phone',
      'displayName',
      'created',
    ])
    expect(rows[0]).toMatchObject({
      accountId,
      kind: 'publisher',
      username: 'grace',
      email: 'grace@example.test',
      phone: '+15550102030',
      displayName: 'Grace H',
    })
    expect(new Date(String(rows[0]?.['created'])).toISOString()).toBe(rows[0]?.['created'])

    const table = await cli(['accounts', 'list', '--db', db])
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]?.split(/\s+/)).toStrictEqual([
      'accountId',
      'kind',
      'username',
      'email',
      'phone',
      'created',
    ])
    expect(lines[1]?.split(/\s+/).slice(0, 5)).toStrictEqual([
      accountId,
      'publisher',
      'grace',
      'grace@example.test',
      '+15550102030',
    ])
  })

  it('prints (none) for an empty database', async () => {
    const result = await cli(['accounts', 'list', '--db', db])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe('(none)\n')
  })

  it('never prints a password hash or a password', async () => {
    const added = await addAccount('heidi', '--json')
    const { accountId } = JSON.parse(added.stdout) as { accountId: string }
    const store = new SqliteStore({ path: db })
    let hash = ''
    try {
      await store.migrate()
      hash = (await store.findAccountById(accountId))?.passwordHash ?? ''
    } finally {
      await store.close()
    }
    expect(hash.length).toBeGreaterThan(20)

    for (const args of [[], ['--json']]) {
      const result = await cli(['accounts', 'list', '--db', db, ...args])
      expect(result.code).toBe(0)
      expect(result.stdout).toContain(accountId)
      const output = result.stdout + result.stderr
      expect(output).not.toContain(hash)
      expect(output).not.toContain(PASSWORD)
      expect(output).not.toMatch(/password|hash|scrypt/i)
    }
  })
})

describe('glucoshare serve, refusing bad arguments before it starts', () => {
  it('refuses --tls-cert without --tls-key with exit 2', async () => {
    const result = await cli(['serve', '--port', '0', '--db', db, '--tls-cert', join(dir, 'c.pem')])
    expectCleanFailure(result, 2, /--tls-cert and --tls-key go together/)
  })

  it('refuses --tls-key without --tls-cert with exit 2', async () => {
    const result = await cli(['serve', '--port', '0', '--db', db, '--tls-key', join(dir, 'k.pem')])
    expectCleanFailure(result, 2, /--tls-cert and --tls-key go together/)
  })

  it.each(['abc', '-1', '1.5', '70000'])('refuses --port %s with exit 2', async (port) => {
    const result = await cli(['serve', '--port', port, '--db', db])
    expectCleanFailure(result, 2, /--port must be/)
    expect(result.stdout).not.toContain('listening')
  })

  it.each(['GLUCOSHARE_ALERT_RETENTION_DAYS', 'GLUCOSHARE_WEBHOOK_RETENTION_DAYS'])(
    'refuses a negative %s with exit 2',
    async (name) => {
      const result = await runCli(['serve', '--port', '0', '--db', db], {
        cwd: dir,
        env: { [name]: '-1' },
      })
      expectCleanFailure(result, 2, `${name} must be a non-negative number`)
      expect(result.stdout).not.toContain('listening')
    },
  )

  it('refuses certificate files that do not exist with exit 1 and a message', async () => {
    const result = await cli([
      'serve',
      '--port',
      '0',
      '--db',
      db,
      '--tls-cert',
      join(dir, 'missing-cert.pem'),
      '--tls-key',
      join(dir, 'missing-key.pem'),
    ])
    expectCleanFailure(result, 1, /cannot start the server: .*missing-cert\.pem/)
    expect(result.stdout).not.toContain('listening')
  })
})

describe('a database path that cannot be opened', () => {
  it.each([
    ['accounts list', ['accounts', 'list']],
    ['serve', ['serve', '--port', '0']],
  ])('makes %s exit non-zero naming the path, without a stack trace', async (_label, args) => {
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    const result = await cli([...args, '--db', folder])
    expect(result.code).not.toBe(0)
    expect(result.code).not.toBeNull()
    expectCleanFailure(result, result.code ?? -1, `cannot open the database ${folder}`)
    expect(result.stdout).not.toContain('listening')
  })

  it('makes accounts add exit non-zero naming the path, without a stack trace', async () => {
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    const result = await cli(
      ['accounts', 'add', '--username', 'ivan', '--password-stdin', '--db', folder],
      PASSWORD,
    )
    expectCleanFailure(result, 1, `cannot open the database ${folder}`)
  })
})
