import type { ArgsDef } from 'citty'
import { CLIError, EXIT } from '../cli-error.js'

/** Default database file, relative to the working directory. */
export const DEFAULT_DB = 'data/glucoshare.db'

/** The database argument shared by every command that opens the server's store. */
export const storeArgs = {
  db: {
    type: 'string',
    description: `SQLite file path or postgres:// URL (default ${DEFAULT_DB}; env GLUCOSHARE_DB)`,
    valueHint: 'path',
  },
} as const satisfies ArgsDef

/** Machine-readable output. */
export const jsonArgs = {
  json: { type: 'boolean', description: 'Print JSON instead of a table', default: false },
} as const satisfies ArgsDef

/**
Where and as whom to read a Share account: the real Dexcom Share (by region) or any
Share-compatible server such as glucoshare (`--server`). Resolved by `share-credentials.ts`:
flags first, then `GLUCOSHARE_*` variables, then the config file. Passwords never go on the
command line.
*/
export const shareArgs = {
  region: {
    type: 'string',
    description:
      'Dexcom region: us, ous (outside the US) or jp (default us; env GLUCOSHARE_REGION)',
    valueHint: 'us|ous|jp',
  },
  server: {
    type: 'string',
    description:
      'Base URL of a glucoshare or other Share-compatible server; overrides --region (env GLUCOSHARE_SERVER)',
    valueHint: 'url',
  },
  username: {
    type: 'string',
    description:
      "The publisher's username, email or phone as +<country><number> (env GLUCOSHARE_USERNAME)",
  },
  'account-id': {
    type: 'string',
    description:
      "The publisher's account id (UUID), instead of --username (env GLUCOSHARE_ACCOUNT_ID)",
    valueHint: 'uuid',
  },
  'password-stdin': {
    type: 'boolean',
    description:
      'Read the password from standard input; otherwise env GLUCOSHARE_PASSWORD, the config file, or a prompt',
    default: false,
  },
  config: {
    type: 'string',
    description:
      'JSON config file with region, server, username, accountId, password (default $XDG_CONFIG_HOME/glucoshare/config.json or ~/.config/glucoshare/config.json)',
    valueHint: 'file',
  },
  insecure: {
    type: 'boolean',
    description: "With --server: do not verify the server's TLS certificate (self-signed servers)",
    default: false,
  },
} as const satisfies ArgsDef

/** How old a reading may be before outputs flag it as stale. */
export const DEFAULT_STALE_MINUTES = 15

/** The staleness threshold shared by the reading commands. */
export const staleArgs = {
  'stale-minutes': {
    type: 'string',
    description: `Flag readings older than this many minutes as stale (default ${DEFAULT_STALE_MINUTES})`,
    valueHint: 'n',
  },
} as const satisfies ArgsDef

/**
Reads a whole-number option; `undefined` or '' gives the default. Anything else that is not an
integer from `min` to `max` is a usage error (exit 2).
*/
export function integerArg(
  name: string,
  value: string | undefined,
  { min, max, fallback }: { min: number; max: number; fallback: number },
): number {
  if (value === undefined || value === '') return fallback
  const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new CLIError(
      `${name} must be a whole number from ${min} to ${max}, got "${value}"`,
      EXIT.usage,
    )
  }
  return parsed
}
