import { CLIError, EXIT } from './cli-error.js'

/** Reads a password from standard input, dropping one trailing newline. */
export async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new CLIError(
      '--password-stdin expects the password piped in, not typed at a terminal',
      EXIT.usage,
    )
  }
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '')
  if (password === '') throw new CLIError('no password arrived on standard input', EXIT.usage)
  return password
}
