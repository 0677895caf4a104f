import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { LoadGenerator } from './load-generator.js'
import { TICKS_PER_SECOND } from './process-sampler.js'

const SCRIPT = fileURLToPath(new URL('../lua/load.lua', import.meta.url))
const RESULT = 'WRK_RESULT '

/** What bench/lua/load.lua's done() prints. */
interface WrkSummary {
  durationUs: number
  requests: number
  non2xx: number
  connect: number
  read: number
  write: number
  timeout: number
  made: number
  p50Us: number
  p99Us: number
}

/** Whether wrk is installed (Debian: `apt-get install wrk`). */
export function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['-v'], { stdio: 'ignore' })
    return true
  } catch (error) {
    // wrk -v prints its version and exits 1.
    return (error as { status?: number }).status === 1
  }
}

/**
wrk, the C load generator `perf-ceiling.md` measured with, as its own process with one thread:
about 15 µs per request, so the ceiling it measures is the bare server's. Requests come from
bench/lua/load.lua, which makes uploads the way `Uploads.next` does.
*/
export const wrkLoad: LoadGenerator = {
  name: 'wrk',
  async run(url, plan, connections, seconds) {
    const dir = mkdtempSync(join(tmpdir(), 'glucoshare-bench-'))
    try {
      const file = join(dir, 'requests.tsv')
      let scriptArgs: string[]
      if (plan.kind === 'fixed') {
        const requests = Array.from({ length: connections }, plan.connectionRequests).flat()
        writeFileSync(file, requests.map((r) => `${r.path}\t${r.body}\n`).join(''))
        scriptArgs = ['fixed', file]
      } else {
        const schedule = plan.uploads.schedule()
        const lines = schedule.accounts.map((a) => `${a.path}\t${a.serialNumber}\t${a.firstTime}\n`)
        writeFileSync(file, lines.join(''))
        scriptArgs = ['upload', file, String(schedule.count), String(schedule.spacingMs)]
      }
      const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', SCRIPT]
      const { stdout, cpuSeconds } = await runMeasured('wrk', [...args, url, '--', ...scriptArgs])
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT))
      if (!line) throw new Error(`wrk printed no result: ${stdout.slice(-500)}`)
      const s = JSON.parse(line.slice(RESULT.length)) as WrkSummary
      if (plan.kind === 'upload') plan.uploads.advance(s.made)
      const statuses: Record<string, number> = {}
      for (const kind of ['non2xx', 'connect', 'read', 'write', 'timeout'] as const) {
        if (s[kind] > 0) statuses[kind] = s[kind]
      }
      return {
        seconds: s.durationUs / 1e6,
        ok: s.requests - s.non2xx,
        p50: s.p50Us / 1000,
        p99: s.p99Us / 1000,
        failed: s.non2xx + s.connect + s.read + s.write + s.timeout,
        statuses,
        cpuSeconds,
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

/**
Runs a command under a shell that, once the command has exited, prints its own /proc stat: the
children's CPU time (cutime, cstime) there is the command's, counted by the kernel to the end.
*/
async function runMeasured(
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; cpuSeconds: number }> {
  const shell = '"$@"; code=$?; cat /proc/$$/stat >&2; exit $code'
  return new Promise((resolve, reject) => {
    execFile(
      'sh',
      ['-c', shell, 'sh', command, ...args],
      { maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} failed: ${stderr.trim().slice(-500) || error.message}`))
          return
        }
        const stat = stderr.trim().split('\n').at(-1) ?? ''
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const ticks = Number(fields[13]) + Number(fields[14])
        resolve({ stdout, cpuSeconds: ticks / TICKS_PER_SECOND })
      },
    )
  })
}
