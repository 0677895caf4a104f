import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { SqliteStore } from './sqlite-store.js'
import type { Reading } from '../store.js'

const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'glucoshare-checkpoint-'))
  dirs.push(dir)
  return join(dir, 'store.db')
}

async function uploadDay(store: SqliteStore): Promise<void> {
  const account = await store.createAccount({
    id: randomUUID(),
    kind: 'publisher',
    username: 'checkpointed',
    displayName: 'checkpointed',
    passwordHash: 'hash',
    createdAt: 0,
  })
  const readings: Reading[] = Array.from({ length: 2880 }, (_, i) => ({
    systemTime: 1_700_000_000_000 + i * 300_000,
    offsetMinutes: 0,
    value: 100 + (i % 50),
    trend: 4,
  }))
  expect(await store.insertReadings(account.key, readings, 0)).toEqual({
    inserted: 2880,
    followed: false,
  })
}

/** Polls until `condition` holds, failing after 10 s. */
async function eventually(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('SqliteStore WAL checkpoints', () => {
  it('copies uploaded pages into the database file off the request path', async () => {
    const path = tempPath()
    const store = new SqliteStore({ path, checkpointIntervalMs: 10 })
    await store.migrate()
    const before = statSync(path).size
    await uploadDay(store)
    // The writer itself no longer checkpoints a few dozen pages: the worker does.
    await eventually(() => statSync(path).size > before)
    await store.close()
  })

  it('closes promptly with the worker running, and again without effect', async () => {
    const store = new SqliteStore({ path: tempPath(), checkpointIntervalMs: 10 })
    await store.migrate()
    await uploadDay(store)
    await store.close()
    await store.close()
  })
})
