import { CLIError, EXIT } from '../cli-error.js'

/** The environment variable holding the Nightscout API secret. */
export const API_SECRET_ENV = 'NIGHTSCOUT_API_SECRET'

/**
The site's API secret: from standard input with `fromStdin` (one trailing newline dropped), else
from {@link API_SECRET_ENV}. Never a flag value, which `ps` would show to every user.
*/
export async function readApiSecret(
  fromStdin: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  if (fromStdin) {
    if (process.stdin.isTTY) {
      throw new CLIError(
        '--api-secret-stdin expects the secret piped in, not typed at a terminal',
        EXIT.usage,
      )
    }
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    const secret = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
    if (secret === '') throw new CLIError('no API secret arrived on standard input', EXIT.usage)
    return secret
  }
  const secret = env[API_SECRET_ENV]
  if (secret === undefined || secret === '') {
    throw new CLIError(
      `no Nightscout API secret: set ${API_SECRET_ENV} or pipe it in with --api-secret-stdin`,
      EXIT.usage,
    )
  }
  return secret
}
