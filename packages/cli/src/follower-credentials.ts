/**
Where the follower commands (`follow`, `invitations accept`) get the follower account from. A
follower logs in by their own account id, never by name, and has settings of their own so that
a config file can hold a publisher for `latest` and a follower for `follow` side by side. Each is
looked up in order: the flag, the environment variable, then the config file (`followerId`,
`followerPassword`; `server` is shared). The password is never a flag.
@module
*/
import { CLIError, EXIT } from './cli-error.js'
import { readPasswordFromStdin } from './read-password.js'
import {
  defaultConfigPath,
  promptPassword,
  readShareConfig,
  type CredentialSources,
} from './share-credentials.js'

/** The flags of `followerArgs`, as citty hands them over. */
export interface FollowerArgValues {
  readonly server?: string | undefined
  readonly 'follower-id'?: string | undefined
  readonly 'password-stdin'?: boolean | undefined
  readonly config?: string | undefined
  readonly insecure?: boolean | undefined
}

/** Everything needed to build a follower client. */
export interface FollowerCredentials {
  /** The glucoshare server's base URL. */
  readonly server: string
  readonly followerId: string
  readonly password: string
  readonly insecure: boolean
}

/** Resolves the follower from flags, environment, config file and, last, a prompt. */
export async function resolveFollowerCredentials(
  args: FollowerArgValues,
  sources: CredentialSources = {},
): Promise<FollowerCredentials> {
  const env = sources.env ?? process.env
  const explicit = args.config !== undefined && args.config !== ''
  const configPath = explicit ? String(args.config) : defaultConfigPath(env)
  const loaded = readShareConfig(configPath, explicit)
  const config = loaded?.config ?? {}
  const server = first(args.server, env['GLUCOSHARE_SERVER'], config.server)
  if (!server) {
    throw new CLIError(
      'say which glucoshare server to use: --server URL, or GLUCOSHARE_SERVER, or "server" in the config file',
      EXIT.usage,
    )
  }
  const followerId = first(args['follower-id'], env['GLUCOSHARE_FOLLOWER_ID'], config.followerId)
  if (!followerId) {
    throw new CLIError(
      'say which follower account to use: --follower-id (the follower\'s account id, shown by `glucoshare accounts list`), or GLUCOSHARE_FOLLOWER_ID, or "followerId" in the config file',
      EXIT.usage,
    )
  }
  const password = await resolveFollowerPassword(args, env, config.followerPassword, {
    configPath: loaded?.path ?? configPath,
    followerId,
    prompt: sources.prompt ?? promptPassword,
  })
  return { server, followerId, password, insecure: Boolean(args.insecure) }
}

function first(...values: (string | undefined)[]): string | undefined {
  return values.map((value) => value?.trim()).find((value) => value !== undefined && value !== '')
}

async function resolveFollowerPassword(
  args: FollowerArgValues,
  env: NodeJS.ProcessEnv,
  fromConfig: string | undefined,
  context: {
    configPath: string
    followerId: string
    prompt: (question: string) => Promise<string | undefined>
  },
): Promise<string> {
  if (args['password-stdin']) return readPasswordFromStdin()
  const fromEnv = env['GLUCOSHARE_FOLLOWER_PASSWORD']
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv
  if (fromConfig !== undefined) return fromConfig
  const typed = await context.prompt(`Password of follower ${context.followerId}: `)
  if (typed !== undefined && typed !== '') return typed
  if (typed === '') throw new CLIError('no password was typed', EXIT.usage)
  throw new CLIError(
    `no password: pipe it in with --password-stdin, set GLUCOSHARE_FOLLOWER_PASSWORD, put "followerPassword" in the config file (${context.configPath}, chmod 600), or run in a terminal to be asked for it`,
    EXIT.usage,
  )
}
