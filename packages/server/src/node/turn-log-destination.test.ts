/**
The log destination over real files and pipes: lines are held to the end of their turn, written
in order, written when the process exits (also on an uncaught exception), and a failing
destination does not throw into the request that logged.
*/
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { turnLogDestination, type TurnLogDestination } from './turn-log-destination.js'

const BUILT = fileURLToPath(new URL('../../dist/node/turn-log-destination.js', import.meta.url))

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'glucoshare-log-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

/** Runs `test` with a destination writing to a new file, and a function reading that file. */
async function withLogFile(
  test: (destination: TurnLogDestination, written: () => string) => Promise<void>,
): Promise<void> {
  const path = join(dir, 'log')
  const fd = openSync(path, 'w')
  try {
    await test(turnLogDestination(fd), () => readFileSync(path, 'utf8'))
  } finally {
    closeSync(fd)
  }
}

/** Runs `body` in a child node process that has `destination` on its standard output. */
function runChild(body: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  const script = `import { turnLogDestination } from ${JSON.stringify(BUILT)}
const destination = turnLogDestination(1)
${body}`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script])
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })))
}

describe('turnLogDestination', () => {
  it('holds the lines of a turn and writes them, in order, when the turn ends', async () => {
    await withLogFile(async (destination, written) => {
      destination.write('{"n":1}\n')
      destination.write('{"n":2}\n')
      expect(written()).toBe('')
      await nextTurn()
      expect(written()).toBe('{"n":1}\n{"n":2}\n')
      destination.write('{"n":3}\n')
      await nextTurn()
      expect(written()).toBe('{"n":1}\n{"n":2}\n{"n":3}\n')
    })
  })

  it('writes what it holds at once on flushSync, and nothing twice', async () => {
    await withLogFile(async (destination, written) => {
      destination.write('{"msg":"é ✓"}\n')
      destination.flushSync()
      expect(written()).toBe('{"msg":"é ✓"}\n')
      await nextTurn()
      expect(written()).toBe('{"msg":"é ✓"}\n')
    })
  })

  it('drops the lines, without throwing, when the destination fails', async () => {
    const fd = openSync(join(dir, 'log'), 'w')
    closeSync(fd)
    const destination = turnLogDestination(fd)
    destination.write('{"n":1}\n')
    expect(() => destination.flushSync()).not.toThrow()
    destination.write('{"n":2}\n')
    await nextTurn()
  })

  it('writes the lines still held when the process exits', async () => {
    const { stdout, code } = await runChild(
      `destination.write('{"n":1}\\n'); destination.write('{"n":2}\\n'); process.exit(3)`,
    )
    expect(code).toBe(3)
    expect(stdout).toBe('{"n":1}\n{"n":2}\n')
  })

  it('writes the lines still held when an uncaught exception ends the process', async () => {
    const { stdout, stderr, code } = await runChild(
      `destination.write('{"level":60}\\n'); throw new Error('boom')`,
    )
    expect(code).toBe(1)
    expect(stderr).toContain('boom')
    expect(stdout).toBe('{"level":60}\n')
  })

  it('waits for a full pipe instead of losing lines', async () => {
    // Touching process.stdout makes a pipe non-blocking, so that a megabyte fills it (EAGAIN).
    const { stdout, code } = await runChild(
      `process.stdout
const line = 'x'.repeat(1000) + '\\n'
for (let i = 0; i < 1000; i++) destination.write(line)`,
    )
    expect(code).toBe(0)
    expect(stdout).toBe(`${'x'.repeat(1000)}\n`.repeat(1000))
  })
})
