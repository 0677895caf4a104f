/** Collects a running child's output, for tests of long-running commands. */
import type { ChildProcessWithoutNullStreams } from 'node:child_process'

/** A child's output so far, its exit, and a bounded wait for a condition on the output. */
export interface CollectedOutput {
  readonly stdout: string
  readonly stderr: string
  readonly exited: Promise<number | null>
  /** Polls `condition`; fails instead of hanging when it does not come true or the child exits. */
  waitFor(condition: () => boolean): Promise<void>
}

export function collectOutput(child: ChildProcessWithoutNullStreams): CollectedOutput {
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return {
    get stdout() {
      return stdout
    },
    get stderr() {
      return stderr
    },
    exited: new Promise<number | null>((resolve) => child.on('close', resolve)),
    async waitFor(condition) {
      for (let waited = 0; !condition(); waited += 50) {
        // A bound, not an assertion: a condition that never comes fails the test.
        if (waited > 15_000 || child.exitCode !== null) {
          throw new Error(`gave up waiting:\n${stdout}\n${stderr}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
  }
}
