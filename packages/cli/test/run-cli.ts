/** Runs the built `glucoshare` command as a child process, for the CLI's tests. */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { stripVTControlCharacters } from 'node:util'

/** The built launcher (`npx tsc -b` first; the README's test command does). */
export const BIN = fileURLToPath(new URL('../bin/glucoshare.js', import.meta.url))

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  /** Date.now() just before the process started and just after it ended. */
  readonly startedAt: number
  readonly endedAt: number
}

export interface RunCliOptions {
  readonly cwd: string
  /** Written to standard input, which is then closed. */
  readonly input?: string
  /** Added to an environment cleared of glucoshare's and TLS-trust variables. */
  readonly env?: NodeJS.ProcessEnv
}

/** This process's environment without variables that would change the command's behaviour. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1' }
  for (const [name, value] of Object.entries(process.env)) {
    const steers =
      name.startsWith('GLUCOSHARE_') ||
      name.startsWith('NODE_TLS') ||
      name === 'NODE_EXTRA_CA_CERTS'
    if (!steers) env[name] = value
  }
  return { ...env, ...extra }
}

/** Runs the command to completion. */
export function runCli(args: readonly string[], options: RunCliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now()
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: cleanEnv(options.env),
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    // A bound, not an assertion: a command that wrongly keeps running fails its test instead of
    // stalling the run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({
        code,
        stdout: stripVTControlCharacters(stdout),
        stderr: stripVTControlCharacters(stderr),
        startedAt,
        endedAt: Date.now(),
      })
    })
    child.stdin.end(options.input ?? '')
  })
}
