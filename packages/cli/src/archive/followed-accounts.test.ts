import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIError } from '../cli-error.js'
import { resolveFollowedAccounts } from './followed-accounts.js'

// Test-only credentials; nothing here resembles a real secret.
const PASSWORD = 'followed-accounts-passphrase-not-secret'
const ID = '01234567-89ab-cdef-0123-456789abcdef'

let dir = ''
let counter = 0
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-followed-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(content: unknown, mode = 0o600): string {
  counter += 1
  const path = join(dir, `accounts-${counter}.json`)
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content))
  chmodSync(path, mode)
  return path
}

const noPrompt = { env: {}, prompt: async () => undefined }

describe('resolveFollowedAccounts', () => {
  it('reads several accounts, with shared settings and default names', async () => {
    const accounts = await resolveFollowedAccounts(
      {},
      file({
        server: 'https://share.example.org',
        accounts: [
          { name: 'Mum', username: 'mum@example.org', passwordEnv: 'MUM_PW' },
          { accountId: ID, region: 'ous', password: PASSWORD },
          { username: 'kid', server: 'http://127.0.0.1:8080', passwordEnv: 'KID_PW' },
        ],
      }),
      { env: { MUM_PW: PASSWORD, KID_PW: PASSWORD } },
    )
    expect(accounts.map((a) => [a.name, a.opened.host])).toEqual([
      ['Mum', 'share.example.org'],
      [ID, 'share.example.org'],
      ['kid', '127.0.0.1:8080'],
    ])
  })

  it('asks for a password the file does not give, and accepts a bare array', async () => {
    const asked: string[] = []
    const accounts = await resolveFollowedAccounts({}, file([{ username: 'pat', region: 'jp' }]), {
      env: {},
      prompt: async (question) => {
        asked.push(question)
        return PASSWORD
      },
    })
    expect(asked).toEqual(['Share password for pat: '])
    expect(accounts[0]?.opened.host).toBe('share.dexcom.jp')
  })

  it.each([
    ['not json', /is not valid JSON/],
    [{ accounts: [] }, /must hold \{"accounts"/],
    [{ accounts: {} }, /must hold \{"accounts"/],
    [{ accounts: [{ username: 'a', passwordEnv: 'P', pasword: 'x' }] }, /unknown key "pasword"/],
    [
      { accounts: [{ username: 'a', passwordEnv: 'P' }], username: 'b' },
      /top level .* unknown key "username"/,
    ],
    [
      { accounts: [{ username: 7, passwordEnv: 'P' }] },
      /"username" of accounts\[0\] .* must be a string/,
    ],
    [
      { accounts: [{ username: 'a', insecure: 'yes', passwordEnv: 'P' }] },
      /"insecure" .* must be a boolean/,
    ],
    [
      { accounts: [{ username: 'a', insecure: true, passwordEnv: 'P' }] },
      /"insecure" .* only applies with "server"/,
    ],
    [{ accounts: [{ passwordEnv: 'P' }] }, /exactly one of "username" and "accountId"/],
    [{ accounts: [{ username: 'a', accountId: ID, passwordEnv: 'P' }] }, /exactly one of/],
    [
      {
        accounts: [
          { username: 'a', passwordEnv: 'P' },
          { username: 'a', passwordEnv: 'P' },
        ],
      },
      /both named "a"/,
    ],
    [
      { accounts: [{ name: ' x', username: 'a', passwordEnv: 'P' }] },
      /"name" of accounts\[0\] .* 1-100 characters/,
    ],
    [
      { accounts: [{ username: 'a', passwordEnv: 'UNSET_PW' }] },
      /UNSET_PW named by "passwordEnv" of accounts\[0\] .* is not set/,
    ],
    [
      { accounts: [{ username: 'a', region: 'eu', passwordEnv: 'P' }] },
      /"region" of accounts\[0\] .* must be us, ous or jp/,
    ],
    [
      { accounts: [{ username: 'a', server: 'ftp://x', passwordEnv: 'P' }] },
      /--server must be an absolute http\(s\) URL/,
    ],
    [{ accounts: [{ username: 'a' }] }, /no password for accounts\[0\] .*"passwordEnv"/],
  ])('refuses %j with a usage error', async (content, message) => {
    const error = await resolveFollowedAccounts({}, file(content), {
      ...noPrompt,
      env: { P: PASSWORD },
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CLIError)
    expect((error as CLIError).message).toMatch(message)
    expect((error as CLIError).exitCode).toBe(2)
  })

  it('refuses passwords in a file other users can read', async () => {
    const path = file([{ username: 'a', password: PASSWORD }], 0o644)
    await expect(resolveFollowedAccounts({}, path, noPrompt)).rejects.toThrow(
      /holds passwords but other users can access it \(mode 644\); run `chmod 600/,
    )
  })

  it('refuses a missing file and account flags given with --accounts', async () => {
    await expect(resolveFollowedAccounts({}, join(dir, 'none.json'), noPrompt)).rejects.toThrow(
      /cannot read the accounts file .*none\.json: no such file/,
    )
    await expect(
      resolveFollowedAccounts({ username: 'a', name: 'b' }, file([]), noPrompt),
    ).rejects.toThrow(/drop --username, --name/)
  })

  it('names a single account from the flags by --name, else its username or id', async () => {
    const env = { GLUCOSHARE_PASSWORD: PASSWORD, XDG_CONFIG_HOME: dir }
    const one = (args: Parameters<typeof resolveFollowedAccounts>[0]) =>
      resolveFollowedAccounts(args, undefined, { env }).then((a) => a.map((x) => x.name))
    expect(await one({ username: 'pat' })).toEqual(['pat'])
    expect(await one({ username: 'pat', name: 'Pat G7' })).toEqual(['Pat G7'])
    expect(await one({ 'account-id': ID })).toEqual([ID])
    await expect(one({ username: 'pat', name: '\u0007' })).rejects.toThrow(/--name must be/)
  })
})
