import cliProgress from 'cli-progress'

/** A progress bar on standard error, or nothing. */
export interface Progress {
  update(value: number): void
  stop(): void
}

/** Exports shorter than this finish before a bar would be worth drawing. */
export const PROGRESS_MIN_TOTAL = 10_000

/**
Whether a long export may draw a bar: only when standard error is a terminal, and the data
itself is not going to that same terminal.
*/
export function progressWanted(toFile: boolean): boolean {
  return process.stderr.isTTY === true && (toFile || process.stdout.isTTY !== true)
}

/** Starts a bar for `total` readings on standard error. */
export function startProgress(total: number): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'exporting [{bar}] {percentage}% | {value}/{total} readings | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  )
  bar.start(total, 0)
  return {
    update: (value) => bar.update(value),
    stop: () => bar.stop(),
  }
}
