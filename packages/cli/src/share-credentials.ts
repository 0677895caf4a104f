/**
Where the reading commands get the Share account from. Every setting is looked up in order:
the command-line flag, the `GLUCOSHARE_*` environment variable, then the config file. The
password is never a flag: it comes from `--password-stdin`, `GLUCOSHARE_PASSWORD`, the config
file (which must then be private to its owner), or a prompt on a terminal, in that order.
@module
*/
import { readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { createInterface } from 'node:readline'
import { Writable } from 'node:stream'
import { REGIONS, type Region } from '@glucoshare/sdk'
import { CLIError, EXIT } from './cli-error.js'
import { readPasswordFromStdin } from './read-password.js'

/** The flags of `shareArgs`, as citty hands them over. */
export interface ShareArgValues {
  readonly region?: string | undefined
  readonly server?: string | undefined
  readonly username?: string | undefined
  readonly 'account-id'?: string | undefined
  readonly 'password-stdin'?: boolean | undefined
  readonly config?: string | undefined
  readonly insecure?: boolean | undefined
}

/** The settings a config file may hold. Other keys are left for other commands. */
export interface ShareConfigFile {
  readonly region?: string
  readonly server?: string
  readonly username?: string
  readonly accountId?: string
  readonly password?: string
  /** A follower's account id, for the follower commands (`follow`, `invitations accept`). */
  readonly followerId?: string
  readonly followerPassword?: string
}

/** Everything needed to build a client. */
export interface ShareCredentials {
  readonly region: Region
  /** A Share-compatible server's base URL; `undefined` means the region's Dexcom host. */
  readonly server: string | undefined
  /** Exactly one of `username` and `accountId` is set. */
  readonly username: string | undefined
  readonly accountId: string | undefined
  readonly password: string
  readonly insecure: boolean
}

/** What the resolution reads besides the flags; tests and callers may replace any of it. */
export interface CredentialSources {
  readonly env?: NodeJS.ProcessEnv
  /** Asks for the password on a terminal; answers `undefined` when there is no terminal. */
  readonly prompt?: (question: string) => Promise<string | undefined>
}

const CONFIG_KEYS = [
  'region',
  'server',
  'username',
  'accountId',
  'password',
  'followerId',
  'followerPassword',
] as const

/** `$XDG_CONFIG_HOME/glucoshare/config.json`, or `~/.config/glucoshare/config.json`. */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CONFIG_HOME']
  // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.config')
  return join(base, 'glucoshare', 'config.json')
}

/**
Reads a config file. A missing file is fine unless it was named with `--config`. A file that
holds a password must not be open to other users (any group or other permission bit).
*/
export function readShareConfig(
  path: string,
  explicit: boolean,
): { path: string; config: ShareConfigFile } | undefined {
  let text: string
  let mode: number
  try {
    mode = statSync(path).mode
    text = readFileSync(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' && !explicit) return undefined
    throw new CLIError(
      `cannot read the config file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      EXIT.usage,
    )
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new CLIError(`the config file ${path} is not valid JSON`, EXIT.usage)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CLIError(`the config file ${path} must hold a JSON object`, EXIT.usage)
  }
  const record = parsed as Record<string, unknown>
  const config: Record<string, string> = {}
  for (const key of CONFIG_KEYS) {
    const value = record[key]
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') {
      throw new CLIError(`"${key}" in the config file ${path} must be a string`, EXIT.usage)
    }
    if (value !== '') config[key] = value
  }
  const secret = config['password'] ?? config['followerPassword']
  if (secret !== undefined && process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new CLIError(
      `the config file ${path} holds a password but other users can access it (mode ${(mode & 0o777).toString(8).padStart(3, '0')}); run \`chmod 600 ${path}\` and try again`,
      EXIT.usage,
    )
  }
  return { path, config }
}

/** Resolves the account to read from flags, environment, config file and, last, a prompt. */
export async function resolveShareCredentials(
  args: ShareArgValues,
  sources: CredentialSources = {},
): Promise<ShareCredentials> {
  const env = sources.env ?? process.env
  const explicit = args.config !== undefined && args.config !== ''
  const loaded = readShareConfig(explicit ? String(args.config) : defaultConfigPath(env), explicit)
  const config = loaded?.config ?? {}
  const inConfig = (key: string) => `"${key}" in ${loaded?.path ?? 'the config file'}`

  const region = pick(
    [args.region, '--region'],
    [env['GLUCOSHARE_REGION'], 'GLUCOSHARE_REGION'],
    [config.region, inConfig('region')],
  )
  if (region && !REGIONS.includes(region.value.toLowerCase() as Region)) {
    throw new CLIError(
      `${region.source} must be us, ous or jp, got "${region.value}" (ous covers every country outside the US except Japan)`,
      EXIT.usage,
    )
  }
  const server = pick(
    [args.server, '--server'],
    [env['GLUCOSHARE_SERVER'], 'GLUCOSHARE_SERVER'],
    [config.server, inConfig('server')],
  )
  if (args.insecure && !server) {
    throw new CLIError(
      "--insecure only applies to your own server given with --server: Dexcom's hosts have valid certificates",
      EXIT.usage,
    )
  }
  const identity = pickIdentity([
    [args.username, args['account-id'], '--username', '--account-id'],
    [
      env['GLUCOSHARE_USERNAME'],
      env['GLUCOSHARE_ACCOUNT_ID'],
      'GLUCOSHARE_USERNAME',
      'GLUCOSHARE_ACCOUNT_ID',
    ],
    [config.username, config.accountId, inConfig('username'), inConfig('accountId')],
  ])
  const password = await resolvePassword(args, env, config, loaded?.path, identity, sources.prompt)
  return {
    region: (region?.value.toLowerCase() ?? 'us') as Region,
    server: server?.value,
    username: identity.username,
    accountId: identity.accountId,
    password,
    insecure: Boolean(args.insecure),
  }
}

type Candidate = readonly [value: string | undefined, source: string]

/** The first non-empty value, with where it came from. */
function pick(...candidates: Candidate[]): { value: string; source: string } | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value.trim() !== '') return { value: value.trim(), source }
  }
  return undefined
}

/** A username or an account id, from the first source that gives either. */
function pickIdentity(
  levels: readonly (readonly [
    username: string | undefined,
    accountId: string | undefined,
    usernameSource: string,
    accountIdSource: string,
  ])[],
): { username: string | undefined; accountId: string | undefined; label: string } {
  for (const [username, accountId, usernameSource, accountIdSource] of levels) {
    const name = username?.trim() || undefined
    const id = accountId?.trim() || undefined
    if (name && id) {
      throw new CLIError(
        `give either ${usernameSource} or ${accountIdSource}, not both`,
        EXIT.usage,
      )
    }
    if (name) return { username: name, accountId: undefined, label: name }
    if (id) return { username: undefined, accountId: id, label: `account ${id}` }
  }
  throw new CLIError(
    'say which Share account to read: --username (the publisher\'s username, email or +phone) or --account-id, or GLUCOSHARE_USERNAME, or "username" in the config file',
    EXIT.usage,
  )
}

async function resolvePassword(
  args: ShareArgValues,
  env: NodeJS.ProcessEnv,
  config: ShareConfigFile,
  configPath: string | undefined,
  identity: { label: string },
  prompt: CredentialSources['prompt'] = promptPassword,
): Promise<string> {
  if (args['password-stdin']) return readPasswordFromStdin()
  const fromEnv = env['GLUCOSHARE_PASSWORD']
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (config.password !== undefined) return config.password
  const typed = await prompt(`Share password for ${identity.label}: `)
  if (typed !== undefined && typed !== '') return typed
  if (typed === '') throw new CLIError('no password was typed', EXIT.usage)
  throw new CLIError(
    `no password: pipe it in with --password-stdin, set GLUCOSHARE_PASSWORD, put "password" in the config file (${configPath ?? defaultConfigPath(env)}, chmod 600), or run in a terminal to be asked for it`,
    EXIT.usage,
  )
}

/**
Asks for the password on the terminal with echo off; answers `undefined` when standard input is
not a terminal. The question goes to standard error, so standard output stays clean for --json.
*/
export async function promptPassword(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined
  let muted = false
  const output = new Writable({
    write(chunk: Buffer | string, encoding: BufferEncoding, callback: () => void) {
      if (!muted) process.stderr.write(chunk, encoding)
      callback()
    },
  })
  const rl = createInterface({ input: process.stdin, output, terminal: true })
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.on('SIGINT', () => reject(new CLIError('cancelled', 130)))
      rl.on('close', () => reject(new CLIError('no password was typed', EXIT.usage)))
      rl.question(question, (answer) => resolve(answer))
      // The question is written; everything typed from here on stays off the screen.
      muted = true
    })
  } finally {
    muted = false
    process.stderr.write('\n')
    rl.close()
  }
}
