import { describe, expect, it } from 'vitest'
import { checkAccountId, checkPassword, checkUsername } from './check-identity.js'

const levels = (findings: readonly { level: string }[]) => findings.map((f) => f.level)

describe('checkUsername', () => {
  it('accepts usernames, emails and international phone numbers', () => {
    expect(checkUsername('alice_1')).toMatchObject([{ level: 'ok', message: /a username/ }])
    expect(checkUsername('alice@example.org')).toMatchObject([{ level: 'ok', message: /email/ }])
    expect(checkUsername('+15551234567')).toMatchObject([{ level: 'ok', message: /phone/ }])
  })

  it('gives the compact form of a phone number typed with spaces or punctuation', () => {
    const [finding] = checkUsername('+1 (555) 123-4567')
    expect(finding).toMatchObject({ level: 'error', fix: 'give the phone number as +15551234567' })
  })

  it('warns about a phone number without its country code, which may still be a username', () => {
    expect(checkUsername('5551234567')).toMatchObject([
      { level: 'warning', fix: expect.stringContaining('+<country code><number>') as unknown },
    ])
  })

  it('turns the 00 prefix into +', () => {
    expect(checkUsername('00447700900123')).toMatchObject([
      { level: 'error', fix: 'write it with + instead: +447700900123' },
    ])
  })

  it('refuses a country code starting with 0 and a misplaced +', () => {
    expect(levels(checkUsername('+0447700900123'))).toStrictEqual(['error'])
    expect(levels(checkUsername('44+7700900123'))).toStrictEqual(['error'])
  })

  it('warns about leading or trailing spaces, which other apps send to Dexcom', () => {
    expect(levels(checkUsername(' alice '))).toStrictEqual(['warning', 'ok'])
  })

  it('finds invisible characters from copy and paste', () => {
    expect(checkUsername('ali\u200bce')).toMatchObject([
      { level: 'error', message: expect.stringContaining('U+200B') as unknown },
    ])
  })

  it('refuses inner spaces and malformed emails', () => {
    expect(levels(checkUsername('alice smith'))).toStrictEqual(['error'])
    expect(levels(checkUsername('alice@example'))).toStrictEqual(['error'])
    expect(levels(checkUsername('alice@@example.org'))).toStrictEqual(['error'])
    expect(levels(checkUsername('alice@example..org'))).toStrictEqual(['error'])
  })
})

describe('checkAccountId', () => {
  it('accepts UUIDs with or without hyphens', () => {
    expect(levels(checkAccountId('01234567-89ab-cdef-0123-456789abcdef'))).toStrictEqual(['ok'])
    expect(levels(checkAccountId('0123456789ABCDEF0123456789ABCDEF'))).toStrictEqual(['ok'])
  })

  it('refuses the all-zeros id and names given as ids', () => {
    expect(levels(checkAccountId('00000000-0000-0000-0000-000000000000'))).toStrictEqual(['error'])
    expect(checkAccountId('alice@example.org')).toMatchObject([
      { level: 'error', fix: expect.stringContaining('--username') as unknown },
    ])
  })
})

describe('checkPassword', () => {
  it('warns about surrounding whitespace without quoting the password', () => {
    const secret = 'not-a-real-password '
    const findings = checkPassword(secret)
    expect(levels(findings)).toStrictEqual(['warning'])
    expect(JSON.stringify(findings)).not.toContain('not-a-real-password')
    expect(levels(checkPassword('fine'))).toStrictEqual(['ok'])
  })
})
