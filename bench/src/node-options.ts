import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const BIN = fileURLToPath(new URL('../../packages/cli/bin/glucoshare.js', import.meta.url))

/**
The node options the `glucoshare` command runs with (its `#!/usr/bin/env -S node …` line, which
`npm start` repeats), so that the benchmark's servers run, and their memory is measured, as an
installed `glucoshare serve` runs.
*/
export function glucoshareNodeOptions(): string[] {
  const shebang = readFileSync(BIN, 'utf8').split('\n', 1)[0] ?? ''
  return shebang.split(/\s+/).filter((word) => word.startsWith('--'))
}
