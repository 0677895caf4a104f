import type { ArgsDef } from 'citty'
import { ARCHIVE_ENV, DEFAULT_ARCHIVE_PATH } from '../archive/archive-store.js'
import { CLIError, EXIT } from '../cli-error.js'
import { TIME_FORMS, parseTime } from '../parse-time.js'

/** The archive file and source, for the commands that read the archive. */
export const archiveReadArgs = {
  archive: {
    type: 'string',
    description: `Archive file (default ${DEFAULT_ARCHIVE_PATH}; env ${ARCHIVE_ENV})`,
    valueHint: 'path',
  },
  source: {
    type: 'string',
    description: 'Only this archive source (a followed account); all sources when omitted',
    valueHint: 'name',
  },
} as const satisfies ArgsDef

/** The archive file: the flag, then `GLUCOSHARE_ARCHIVE`, then the default. */
export function archivePathOf(flag: string | undefined, env = process.env): string {
  const fromEnv = env[ARCHIVE_ENV]
  if (flag !== undefined && flag.trim() !== '') return flag
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv
  return DEFAULT_ARCHIVE_PATH
}

/** Reads a `--from`/`--to` value; a bad one is a usage error (exit 2). */
export function timeArg(name: string, value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const time = parseTime(value, now)
  if (time === undefined) {
    throw new CLIError(`${name} must be ${TIME_FORMS}; got "${value}"`, EXIT.usage)
  }
  return time
}
