import { readFileSync, rmSync, writeFileSync } from 'node:fs'

/**
Takes the benchmark's lock file, or throws if another benchmark that is still running holds it:
two runs at once would measure each other, and both use the same database copies. A lock left
by a run that died is taken over. Answers the function that releases it.
*/
export function takeRunLock(file: string): () => void {
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch {
    const holder = Number(readFileSync(file, 'utf8'))
    if (holder !== process.pid && isRunning(holder)) {
      throw new Error(`another benchmark (pid ${holder}) is running; its lock is ${file}`)
    }
    writeFileSync(file, String(process.pid))
  }
  return () => rmSync(file, { force: true })
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
