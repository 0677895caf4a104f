/**
Exit codes the `glucoshare` command uses: 0 success, 1 failure (server, network, login), 2 bad
usage or configuration, 3 no data (no reading in the window asked for).
*/
export const EXIT = { ok: 0, failure: 1, usage: 2, noData: 3 } as const

/** An error whose message already tells the user what went wrong and what to do; printed without a stack. */
export class CLIError extends Error {
  override readonly name = 'CLIError'
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message)
    this.exitCode = exitCode
  }
}
