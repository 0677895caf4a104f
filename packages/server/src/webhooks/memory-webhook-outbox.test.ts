import { describe, expect, it } from 'vitest'
import { MemoryWebhookOutbox } from './memory-webhook-outbox.js'

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0)

function outboxWith(...deliveries: { id: string; createdAt: number; nextAttemptAt?: number }[]) {
  const outbox = new MemoryWebhookOutbox()
  for (const d of deliveries) {
    outbox.enqueue({
      webhookId: 'w',
      url: 'http://127.0.0.1:1/',
      secret: 's',
      eventId: `ev-${d.id}`,
      eventType: 'alert.fired',
      body: '{}',
      ...d,
    })
  }
  return outbox
}

describe('MemoryWebhookOutbox', () => {
  it('claims due deliveries oldest first, up to the limit, and leases them', async () => {
    const outbox = outboxWith(
      { id: 'b', createdAt: T0 + 2 },
      { id: 'a', createdAt: T0 + 1 },
      { id: 'later', createdAt: T0, nextAttemptAt: T0 + 60_000 },
    )
    const claimed = await outbox.claimDue(T0 + 10, 1, 30_000)
    expect(claimed.map((d) => d.id)).toEqual(['a'])
    expect(claimed[0]).toMatchObject({ attempts: 0, nextAttemptAt: T0 + 1, secret: 's' })
    expect(outbox.get('a')!.leasedUntil).toBe(T0 + 30_010)
    expect((await outbox.claimDue(T0 + 10, 10, 30_000)).map((d) => d.id)).toEqual(['b'])
    expect(await outbox.claimDue(T0 + 10, 10, 30_000)).toEqual([])
    // Leases lapse; the not-yet-due one becomes due.
    const lapsed = await outbox.claimDue(T0 + 60_000, 10, 30_000)
    expect(lapsed.map((d) => d.id)).toEqual(['a', 'b', 'later'])
  })

  it('records delivery, rescheduling and failure, and ends the lease', async () => {
    const outbox = outboxWith({ id: 'a', createdAt: T0 }, { id: 'b', createdAt: T0 })
    await outbox.claimDue(T0, 10, 30_000)
    await outbox.markDelivered('a', 1, T0 + 5, 204)
    await outbox.reschedule('b', 1, T0 + 10_000, 'HTTP 500')
    expect(outbox.get('a')).toMatchObject({
      state: 'delivered',
      attempts: 1,
      deliveredStatus: 204,
      finishedAt: T0 + 5,
      leasedUntil: 0,
    })
    expect(outbox.get('b')).toMatchObject({
      state: 'pending',
      attempts: 1,
      nextAttemptAt: T0 + 10_000,
      lastError: 'HTTP 500',
      leasedUntil: 0,
    })
    expect(await outbox.claimDue(T0 + 9_999, 10, 30_000)).toEqual([])
    expect((await outbox.claimDue(T0 + 10_000, 10, 30_000))[0]).toMatchObject({
      id: 'b',
      attempts: 1,
    })
    await outbox.markFailed('b', 2, T0 + 10_001, 'HTTP 410')
    expect(outbox.get('b')).toMatchObject({ state: 'failed', attempts: 2, lastError: 'HTTP 410' })
    expect(await outbox.claimDue(T0 + 1e9, 10, 30_000)).toEqual([])
  })

  it('refuses a duplicate id and outcomes for unknown ids', async () => {
    const outbox = outboxWith({ id: 'a', createdAt: T0 })
    expect(() => outboxWith({ id: 'a', createdAt: T0 }, { id: 'a', createdAt: T0 })).toThrow(
      /already queued/,
    )
    await expect(outbox.markDelivered('nope', 1, T0, 200)).rejects.toThrow(/not queued/)
  })
})
