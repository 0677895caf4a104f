/**
Builds the SDK's `ShareFollowerClient` for the follower commands, and turns its errors into
messages a follower can act on. Messages name the host only: never a URL, a session id or a
password.
@module
*/
import {
  ShareFollowerClient,
  isAccountError,
  isAccountLockedError,
  isShareError,
  type ShareFollowerClientOptions,
} from '@glucoshare/sdk'
import { CLIError, EXIT } from './cli-error.js'
import {
  resolveFollowerCredentials,
  type FollowerArgValues,
  type FollowerCredentials,
} from './follower-credentials.js'
import { explainShareError, insecureFetch } from './open-share-client.js'
import type { CredentialSources } from './share-credentials.js'

/** A follower client and the host it talks to, for messages. */
export interface OpenedFollowerClient {
  readonly client: ShareFollowerClient
  /** `share.example.org`, `127.0.0.1:8080`… */
  readonly host: string
}

/** Builds the client for resolved credentials; bad options are usage errors (exit 2). */
export function followerClientFor(credentials: FollowerCredentials): OpenedFollowerClient {
  const options: ShareFollowerClientOptions = {
    accountId: credentials.followerId,
    password: credentials.password,
    baseUrl: credentials.server,
    ...(credentials.insecure ? { fetch: insecureFetch } : {}),
    userAgent: 'glucoshare-cli',
  }
  let client: ShareFollowerClient
  try {
    client = new ShareFollowerClient(options)
  } catch (error) {
    if (!isShareError(error)) throw error
    if (error.code === 'BaseUrlInvalid') {
      throw new CLIError(
        '--server must be an absolute http(s) URL, such as https://share.example.org',
        EXIT.usage,
      )
    }
    if (error.code === 'AccountIdInvalid') {
      throw new CLIError(
        "--follower-id must be the follower's account id, a UUID such as 01234567-89ab-cdef-0123-456789abcdef (see `glucoshare accounts list`)",
        EXIT.usage,
      )
    }
    throw new CLIError(error.message, EXIT.usage)
  }
  const url = new URL(client.baseUrl)
  if (credentials.insecure && url.protocol === 'https:') {
    process.stderr.write(
      `glucoshare: warning: --insecure: the TLS certificate of ${url.host} is not checked, so anyone on the network path could read the password; use it only with your own server\n`,
    )
  }
  return { client, host: url.host }
}

/**
Runs `work` with a follower client, translating the SDK's errors into {@link CLIError}s (exit 1,
or 2 for an argument the SDK refused before sending it).
*/
export async function withFollowerClient<T>(
  args: FollowerArgValues,
  work: (opened: OpenedFollowerClient) => Promise<T>,
  sources: CredentialSources = {},
): Promise<T> {
  const opened = followerClientFor(await resolveFollowerCredentials(args, sources))
  try {
    return await work(opened)
  } catch (error) {
    throw explainFollowerError(error, opened.host)
  }
}

/** A plain-words {@link CLIError} for an SDK error met as a follower. */
export function explainFollowerError(error: unknown, host: string): unknown {
  if (!isShareError(error)) return error
  if (isAccountError(error) && !isAccountLockedError(error)) {
    return new CLIError(
      `${host} refused the login: check the follower's account id (--follower-id) and password, and that the account is a follower (glucoshare accounts add --follower), not a publisher`,
    )
  }
  switch (error.code) {
    case 'InvitationExpired':
      return new CLIError(
        `${host}: the invitation has expired (invitations last 7 days); ask the publisher to invite you again`,
      )
    case 'SubscriptionDeleted':
      return new CLIError(`${host}: the publisher has stopped sharing with you`)
    case 'InvitationIdInvalid':
      return new CLIError(
        'the invitation id must be a UUID, such as 01234567-89ab-cdef-0123-456789abcdef',
        EXIT.usage,
      )
    case 'EndpointNotFound':
      return new CLIError(
        `${host} does not offer ${error.operation}: follower features need a glucoshare server; check --server`,
      )
    default:
      return explainShareError(error, host)
  }
}
