import { readFileSync } from 'node:fs'
import { cpus, release, totalmem } from 'node:os'
import Database from 'better-sqlite3'
import pg from 'pg'
import { PG_SERVER } from './bench-paths.js'

/** What the figures were measured on. */
export interface MachineDescription {
  readonly cpu: string
  readonly cpus: number
  readonly memoryGiB: number
  readonly kernel: string
  readonly node: string
  readonly sqlite: string
  readonly postgres: string
}

/** Describes this machine and the database engines the benchmark used. */
export async function machineDescription(): Promise<MachineDescription> {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8')
  const db = new Database(':memory:')
  const sqlite = db.prepare<[], string>('SELECT sqlite_version()').pluck().get() ?? '?'
  db.close()
  const client = new pg.Client({ connectionString: `${PG_SERVER}/postgres` })
  await client.connect()
  const names = ['server_version', 'shared_buffers', 'synchronous_commit', 'max_connections']
  const { rows } = await client.query<Record<string, string>>(
    `SELECT ${names.map((n) => `current_setting('${n}') AS ${n}`).join(', ')}`,
  )
  await client.end()
  return {
    cpu: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '?',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    sqlite,
    postgres: names.map((n) => `${n}=${rows[0]?.[n] ?? '?'}`).join(', '),
  }
}
