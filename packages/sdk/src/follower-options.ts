import { clientError } from './errors.js'
import {
  checkAccountId,
  checkPassword,
  normalizeConnection,
  type ResolvedConnectionOptions,
  type ShareConnectionOptions,
} from './options.js'

/**
Options of {@link ShareFollowerClient}. A follower logs in with their own account id (a glucoshare
server shows it in `glucoshare accounts list`) and password: Share has no follower login by name.
*/
export interface ShareFollowerClientOptions extends ShareConnectionOptions {
  /** The follower's account id (a UUID, with or without hyphens). */
  readonly accountId: string
  readonly password: string
}

/** {@link ShareFollowerClientOptions} with every default filled in and every value checked. */
export interface ResolvedShareFollowerClientOptions extends ResolvedConnectionOptions {
  readonly accountId: string
  readonly password: string
}

const OPERATION = 'ShareFollowerClient'

/** Checks options and fills in defaults. Throws `ArgumentError`; `RangeError` for `timeoutMs`. */
export function normalizeFollowerOptions(
  options: ShareFollowerClientOptions,
): ResolvedShareFollowerClientOptions {
  if (typeof options !== 'object' || options === null) {
    throw clientError('CredentialsRequired', OPERATION)
  }
  if ((options as { username?: unknown }).username !== undefined) {
    throw clientError('AccountIdInvalid', OPERATION, {
      detail: 'a follower logs in by account id, not by username',
    })
  }
  const accountId = checkAccountId(options.accountId, OPERATION)
  const password = checkPassword(options.password, OPERATION)
  return Object.freeze({ ...normalizeConnection(options, OPERATION), accountId, password })
}
