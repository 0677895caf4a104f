import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const PACKAGE = fileURLToPath(new URL('../../package.json', import.meta.url))

/**
The node options `npm start` runs the server with (the workspace's package.json), so that the
benchmark's servers run, and their memory is measured, as the README's command runs them.
*/
export function glucoshareNodeOptions(): string[] {
  const { scripts } = JSON.parse(readFileSync(PACKAGE, 'utf8')) as { scripts: { start: string } }
  return scripts.start.split(/\s+/).filter((word) => word.startsWith('--'))
}
