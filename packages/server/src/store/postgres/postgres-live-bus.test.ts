import { randomBytes } from 'node:crypto'
import { describe, it, expect, afterEach } from 'vitest'
import { PostgresLiveBus } from './postgres-live-bus.js'
import type { LiveMessage } from '../../alerting/live-bus.js'

const URL = process.env['GLUCOSHARE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test'

function message(n: number): LiveMessage {
  return { followerId: `f${n}`, subscriptionId: `s${n}`, event: 'alert', data: `{"n":${n}}` }
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((r) => setTimeout(r, 10))
}

describe('PostgresLiveBus', () => {
  const buses: PostgresLiveBus[] = []
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((bus) => bus.close()))
  })

  function bus(channel: string): PostgresLiveBus {
    const created = new PostgresLiveBus({ connectionString: URL, channel })
    buses.push(created)
    return created
  }

  it('delivers what one instance publishes to every instance on the channel, once, in order', async () => {
    const channel = `glucoshare_live:test_${randomBytes(4).toString('hex')}`
    const [a, b, other] = [bus(channel), bus(channel), bus(`${channel}_other`)]
    const got: Record<string, LiveMessage[]> = { a: [], b: [], other: [] }
    a.subscribe((m) => got['a']!.push(m))
    b.subscribe((m) => got['b']!.push(m))
    other.subscribe((m) => got['other']!.push(m))
    await Promise.all([a.ready(), b.ready(), other.ready()])
    await a.publish([message(1), message(2)])
    await b.publish([message(3)])
    await until(() => got['a']!.length === 3 && got['b']!.length === 3)
    expect(got['a']).toEqual([message(1), message(2), message(3)])
    expect(got['b']).toEqual([message(1), message(2), message(3)])
    expect(got['other']).toEqual([])
  })

  it('ignores notifications on its channel that are not live messages', async () => {
    const channel = `glucoshare_live:test_${randomBytes(4).toString('hex')}`
    const [a, b] = [bus(channel), bus(channel)]
    const got: LiveMessage[] = []
    b.subscribe((m) => got.push(m))
    await Promise.all([a.ready(), b.ready()])
    const stray = { followerId: 1 } as unknown as LiveMessage
    await a.publish([stray, message(7)])
    await until(() => got.length === 1)
    expect(got).toEqual([message(7)])
  })

  it('fails a publish when PostgreSQL cannot be reached, and can be closed', async () => {
    const unreachable = new PostgresLiveBus({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
      channel: 'glucoshare_live',
    })
    buses.push(unreachable)
    await expect(unreachable.publish([message(1)])).rejects.toThrow()
    await expect(unreachable.ready()).rejects.toThrow()
  })
})
