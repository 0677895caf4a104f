import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  WEBHOOK_USER_AGENT,
  signWebhookPayload,
  verifyWebhookSignature,
  webhookHeaders,
} from './sign-webhook.js'

const secret = 'whsec_test_only_0123456789'
const body = '{"type":"alert.fired","alert":"UrgentLow","value":54}'
const now = Date.UTC(2026, 10, 23, 12, 0, 0)
const t = now / 1000

function headerFor(at: number, payload = body, key = secret): string {
  return `t=${Math.floor(at / 1000)},v1=${signWebhookPayload(key, Math.floor(at / 1000), payload)}`
}

describe('signWebhookPayload', () => {
  it('is the hex HMAC-SHA256 of "<timestamp>.<body>" keyed with the secret', () => {
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')
    expect(signWebhookPayload(secret, t, body)).toBe(expected)
    expect(signWebhookPayload(secret, t, Buffer.from(body))).toBe(expected)
  })
})

describe('webhookHeaders', () => {
  it('carries the signature, event id and type, JSON content type and the user agent', () => {
    const headers = webhookHeaders({ secret, eventId: 'ev-1', eventType: 'alert.fired', body, now })
    expect(headers).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': WEBHOOK_USER_AGENT,
      'Glucoshare-Event-Id': 'ev-1',
      'Glucoshare-Event-Type': 'alert.fired',
      'Glucoshare-Signature': headerFor(now),
    })
    expect(WEBHOOK_USER_AGENT).toMatch(/^glucoshare-webhooks\/\d+\.\d+\.\d+/)
    expect(JSON.stringify(headers)).not.toContain(secret)
  })

  it('signs with whole seconds', () => {
    const headers = webhookHeaders({ secret, eventId: 'e', eventType: 'x', body, now: now + 999 })
    expect(headers['Glucoshare-Signature']).toMatch(new RegExp(`^t=${t},v1=[0-9a-f]{64}$`))
  })
})

describe('verifyWebhookSignature', () => {
  it('accepts the header it was sent, as string or bytes', () => {
    expect(verifyWebhookSignature(secret, headerFor(now), body, now)).toBe(true)
    expect(verifyWebhookSignature(secret, headerFor(now), Buffer.from(body), now)).toBe(true)
  })

  it('rejects a tampered body, another secret, and an empty secret', () => {
    expect(verifyWebhookSignature(secret, headerFor(now), body.replace('54', '154'), now)).toBe(
      false,
    )
    expect(verifyWebhookSignature('another secret', headerFor(now), body, now)).toBe(false)
    expect(verifyWebhookSignature('', headerFor(now, body, ''), body, now)).toBe(false)
  })

  it('rejects a timestamp outside the tolerance, on either side', () => {
    const header = headerFor(now)
    expect(verifyWebhookSignature(secret, header, body, now + 300_000)).toBe(true)
    expect(verifyWebhookSignature(secret, header, body, now + 301_000)).toBe(false)
    expect(verifyWebhookSignature(secret, header, body, now - 301_000)).toBe(false)
    expect(verifyWebhookSignature(secret, header, body, now + 3_600_000, 3600)).toBe(true)
  })

  it('rejects a signature whose timestamp was changed', () => {
    const forged = headerFor(now).replace(`t=${t}`, `t=${t + 60}`)
    expect(verifyWebhookSignature(secret, forged, body, now)).toBe(false)
  })

  it('accepts any matching v1 among several, for secret rotation', () => {
    const old = signWebhookPayload('old secret', t, body)
    const header = `t=${t},v1=${old},v1=${signWebhookPayload(secret, t, body)}`
    expect(verifyWebhookSignature(secret, header, body, now)).toBe(true)
    expect(verifyWebhookSignature('old secret', header, body, now)).toBe(true)
    expect(verifyWebhookSignature('third', header, body, now)).toBe(false)
  })

  it.each([
    undefined,
    null,
    '',
    'garbage',
    `v1=${'a'.repeat(64)}`,
    `t=${t}`,
    `t=${t},v1=short`,
    `t=abc,v1=${'a'.repeat(64)}`,
    `t=-1,v1=${'a'.repeat(64)}`,
    `t=${t},t=${t},v1=${'a'.repeat(64)}`,
    `t=${t},v1=${'A'.repeat(64)}`,
  ])('rejects the malformed header %j without throwing', (header) => {
    expect(verifyWebhookSignature(secret, header, body, now)).toBe(false)
  })

  it('tolerates spaces and unknown schemes', () => {
    const v1 = signWebhookPayload(secret, t, body)
    expect(verifyWebhookSignature(secret, ` t=${t} , v0=xyz , v1=${v1} `, body, now)).toBe(true)
  })
})
