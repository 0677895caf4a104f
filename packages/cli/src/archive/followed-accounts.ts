/**
Which Share accounts `glucoshare archive` follows: one from the usual flags, environment and
config file, or several from an accounts file (`--accounts FILE`). Passwords come from the file
(which must then be private), from an environment variable the file names, or from a prompt.
@module
*/
import { readFileSync, statSync } from 'node:fs'
import { REGIONS, type Region } from '@glucoshare/sdk'
import { CLIError, EXIT } from '../cli-error.js'
import { shareClientFor, type OpenedShareClient } from '../open-share-client.js'
import {
  promptPassword,
  resolveShareCredentials,
  type CredentialSources,
  type ShareArgValues,
  type ShareCredentials,
} from '../share-credentials.js'

/** One account to follow, with its client. */
export interface FollowedAccount {
  /** The archive source name its readings are stored under. */
  readonly name: string
  readonly opened: OpenedShareClient
}

const ENTRY_KEYS = [
  'name',
  'region',
  'server',
  'username',
  'accountId',
  'password',
  'passwordEnv',
  'insecure',
] as const
type Entry = Partial<Record<Exclude<(typeof ENTRY_KEYS)[number], 'insecure'>, string>> & {
  insecure?: boolean
}

/** Source names: what `export --source` and the metrics' `source` label take. */
const NAME = /^[^\s\p{Cc}][^\p{Cc}]{0,99}$/u

/**
The accounts to follow. With `accountsFile`, every account comes from it and the Share flags
must not be given; otherwise one account from the flags, with `name` as its source name (default:
the username or account id).
*/
export async function resolveFollowedAccounts(
  args: ShareArgValues & { readonly name?: string | undefined },
  accountsFile: string | undefined,
  sources: CredentialSources = {},
): Promise<FollowedAccount[]> {
  if (accountsFile === undefined || accountsFile.trim() === '') {
    const credentials = await resolveShareCredentials(args, sources)
    const name = args.name?.trim() || credentials.username || credentials.accountId || ''
    return [{ name: checkName(name, '--name'), opened: shareClientFor(credentials) }]
  }
  const given = (['region', 'server', 'username', 'account-id', 'name', 'config'] as const).filter(
    (flag) => args[flag] !== undefined && args[flag] !== '',
  )
  if (given.length > 0 || args['password-stdin'] || args.insecure) {
    throw new CLIError(
      `--accounts lists every account with its settings; drop ${given.map((f) => `--${f}`).join(', ') || 'the account flags'}`,
      EXIT.usage,
    )
  }
  const path = accountsFile.trim()
  const entries = readAccountsFile(path)
  const env = sources.env ?? process.env
  const prompt = sources.prompt ?? promptPassword
  const names = new Set<string>()
  const accounts: FollowedAccount[] = []
  for (const [index, entry] of entries.entries()) {
    const where = `accounts[${index}] in ${path}`
    const credentials = await entryCredentials(entry, where, env, prompt)
    const name = checkName(
      entry.name ?? credentials.username ?? credentials.accountId ?? '',
      `"name" of ${where}`,
    )
    if (names.has(name)) {
      throw new CLIError(
        `two accounts in ${path} are both named "${name}"; give each its own "name"`,
        EXIT.usage,
      )
    }
    names.add(name)
    accounts.push({ name, opened: shareClientFor(credentials) })
  }
  return accounts
}

function checkName(name: string, where: string): string {
  if (!NAME.test(name)) {
    throw new CLIError(
      `${where} must be 1-100 characters without control characters, not starting with a space`,
      EXIT.usage,
    )
  }
  return name
}

/** `{ "accounts": [...] }` (with optional shared `region`, `server`, `insecure`) or a bare array. */
function readAccountsFile(path: string): Entry[] {
  let text: string
  let mode: number
  try {
    mode = statSync(path).mode
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CLIError(
      `cannot read the accounts file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      EXIT.usage,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new CLIError(`the accounts file ${path} is not valid JSON`, EXIT.usage)
  }
  const shape = `the accounts file ${path} must hold {"accounts": [{"username": …, "passwordEnv": …}, …]} or such an array`
  let defaults: Entry = {}
  let list: unknown = parsed
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    const { accounts, ...shared } = parsed as Record<string, unknown>
    list = accounts
    defaults = checkEntry(shared, `the top level of ${path}`, ['region', 'server', 'insecure'])
  }
  if (!Array.isArray(list) || list.length === 0) throw new CLIError(shape, EXIT.usage)
  const entries = list.map((item, index) => ({
    ...defaults,
    ...checkEntry(item, `accounts[${index}] in ${path}`, ENTRY_KEYS),
  }))
  if (
    entries.some((entry) => entry.password !== undefined) &&
    process.platform !== 'win32' &&
    (mode & 0o077) !== 0
  ) {
    throw new CLIError(
      `the accounts file ${path} holds passwords but other users can access it (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); run \`chmod 600 ${path}\`, or use "passwordEnv"`,
      EXIT.usage,
    )
  }
  return entries
}

function checkEntry(item: unknown, where: string, allowed: readonly string[]): Entry {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw new CLIError(`${where} must be a JSON object`, EXIT.usage)
  }
  const entry: Record<string, string | boolean> = {}
  for (const [key, value] of Object.entries(item)) {
    if (!allowed.includes(key)) {
      throw new CLIError(
        `${where} has an unknown key "${key}"; allowed: ${allowed.join(', ')}`,
        EXIT.usage,
      )
    }
    if (value === undefined || value === null) continue
    const type = key === 'insecure' ? 'boolean' : 'string'
    if (typeof value !== type)
      throw new CLIError(`"${key}" of ${where} must be a ${type}`, EXIT.usage)
    if (value !== '') entry[key] = value as string | boolean
  }
  return entry as Entry
}

async function entryCredentials(
  entry: Entry,
  where: string,
  env: NodeJS.ProcessEnv,
  prompt: NonNullable<CredentialSources['prompt']>,
): Promise<ShareCredentials> {
  const region = (entry.region?.trim().toLowerCase() ?? 'us') as Region
  if (!REGIONS.includes(region)) {
    throw new CLIError(
      `"region" of ${where} must be us, ous or jp, got "${entry.region}"`,
      EXIT.usage,
    )
  }
  const username = entry.username?.trim() || undefined
  const accountId = entry.accountId?.trim() || undefined
  if ((username === undefined) === (accountId === undefined)) {
    throw new CLIError(`${where} needs exactly one of "username" and "accountId"`, EXIT.usage)
  }
  if (entry.insecure && entry.server === undefined) {
    throw new CLIError(`"insecure" of ${where} only applies with "server"`, EXIT.usage)
  }
  return {
    region,
    server: entry.server?.trim(),
    username,
    accountId,
    password: await entryPassword(entry, where, env, prompt, username ?? `account ${accountId}`),
    insecure: entry.insecure === true,
  }
}

async function entryPassword(
  entry: Entry,
  where: string,
  env: NodeJS.ProcessEnv,
  prompt: NonNullable<CredentialSources['prompt']>,
  label: string,
): Promise<string> {
  if (entry.password !== undefined) return entry.password
  if (entry.passwordEnv !== undefined) {
    const value = env[entry.passwordEnv]
    if (value === undefined || value === '') {
      throw new CLIError(
        `the environment variable ${entry.passwordEnv} named by "passwordEnv" of ${where} is not set`,
        EXIT.usage,
      )
    }
    return value
  }
  const typed = await prompt(`Share password for ${label}: `)
  if (typed !== undefined && typed !== '') return typed
  throw new CLIError(
    `no password for ${where}: give "passwordEnv" (the name of an environment variable holding it), "password" (chmod 600 the file), or run in a terminal to be asked`,
    EXIT.usage,
  )
}
