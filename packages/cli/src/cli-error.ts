/** Exit codes the `glucoshare` command uses. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const

/** An error whose message already tells the user what went wrong and what to do; printed without a stack. */
export class CLIError extends Error {
  override readonly name = 'CLIError'
  readonly exitCode: number
  constructor(message: string, exitCode: number = EXIT.failure) {
    super(message)
    this.exitCode = exitCode
  }
}
