import { readdirSync, readFileSync } from 'node:fs'

// Linux reports process CPU time in clock ticks; 100 per second on every common configuration.
export const TICKS_PER_SECOND = 100

/** Memory of a process, MiB, from /proc/<pid>/status. */
export interface MemorySample {
  /** Resident set: what `ps` and `top` show. */
  readonly rss: number
  /** The anonymous (heap, stacks) part of it: memory the process owns. */
  readonly anon: number
  /** The file-backed part (code, mapped database pages): shared with the page cache. */
  readonly file: number
}

function statusField(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)
  return match ? Number(match[1]) / 1024 : 0
}

/** The process's memory now, or undefined once it has exited. */
export function sampleMemory(pid: number): MemorySample | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return {
      rss: statusField(status, 'VmRSS'),
      anon: statusField(status, 'RssAnon'),
      file: statusField(status, 'RssFile'),
    }
  } catch {
    return undefined
  }
}

/** CPU seconds (user + system) the process has used. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // Fields after the ")" that closes the command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return 0
  }
}

/** CPU seconds of each PostgreSQL backend serving `database`, by process id. */
export function postgresBackends(database: string): Map<number, number> {
  const backends = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // A backend's title names its database: "postgres: user database host(port) state".
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
      if (!title.startsWith('postgres: ') || !title.includes(` ${database} `)) continue
      backends.set(Number(entry), processCpuSeconds(Number(entry)))
    } catch {
      // the process ended while being read
    }
  }
  return backends
}

/** CPU seconds the backends of `database` used since `before` (a {@link postgresBackends}). */
export function postgresCpuSince(database: string, before: ReadonlyMap<number, number>): number {
  let total = 0
  for (const [pid, seconds] of postgresBackends(database)) total += seconds - (before.get(pid) ?? 0)
  return total
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
  const ticks = line.trim().split(/\s+/).slice(1).map(Number)
  const total = ticks.reduce((sum, t) => sum + t, 0)
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0)
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND }
}

/**
Samples a process's memory every `intervalMs` until stopped; answers the peak of each figure.
Sampling from outside (/proc) costs the measured process nothing.
*/
export function watchMemory(pid: number, intervalMs = 200): () => MemorySample {
  let peak: MemorySample = { rss: 0, anon: 0, file: 0 }
  const take = () => {
    const sample = sampleMemory(pid)
    if (!sample) return
    peak = {
      rss: Math.max(peak.rss, sample.rss),
      anon: Math.max(peak.anon, sample.anon),
      file: Math.max(peak.file, sample.file),
    }
  }
  take()
  const timer = setInterval(take, intervalMs)
  return () => {
    clearInterval(timer)
    take()
    return peak
  }
}

/** Whole-machine CPU in use over the next `ms`, in cores. */
export async function machineLoad(ms = 1000): Promise<number> {
  const before = machineCpuSeconds()
  await new Promise((resolve) => setTimeout(resolve, ms))
  return (machineCpuSeconds().busy - before.busy) / (ms / 1000)
}
