import { describe, expect, it } from 'vitest'
import {
  SHARE_FAULTS,
  faultClassification,
  faultFamily,
  isFaultCode,
  isWireFault,
  type FaultCode,
} from './wire-fault.js'

const CODES = Object.keys(SHARE_FAULTS) as FaultCode[]
const FAMILIES = ['account', 'session', 'argument', 'server']

// The codes of spec 5.2 that a Share server answers in the flows glucoshare implements.
const CATALOGUE = [
  'SessionIdNotFound',
  'SessionNotValid',
  'AccountPasswordInvalid',
  'SSO_AuthenticatePasswordInvalid',
  'SSO_AuthenticateAccountNotFound',
  'SSO_AuthenticateMaxAttemptsExceeed',
  'SSO_InternalError',
  'InvalidArgument',
  'MonitoringSessionNotActive',
  'MonitoringSessionAlreadyActive',
  'MonitoredReceiverNotAssigned',
  'MonitoredReceiverSerialNumberDoesNotMatch',
  'DuplicateEgvPosted',
  'FutureEgvPosted',
  'SerialNumberAssignedToSomeoneElse',
  'SerialNumberAssignedToYou',
  'InvalidEmailAddress',
  'SSO_EmailNonStandard',
  'SSO_EmailUnknownFault',
  'ContactAlreadyDeleted',
  'ContactNameAlreadyExists',
  'ContactIdNotFound',
  'SubscriptionNotPausableState',
  'SubscriptionNotPaused',
]

describe('SHARE_FAULTS', () => {
  it('holds every code of the spec 5.2 catalogue that glucoshare answers', () => {
    expect(CODES).toEqual(expect.arrayContaining(CATALOGUE))
  })

  it.each(CODES)('gives %s a message, a family and a classification', (code) => {
    const info = SHARE_FAULTS[code]
    expect(typeof info.message).toBe('string')
    expect(info.message.trim()).not.toBe('')
    expect(FAMILIES).toContain(info.family)
    expect(faultFamily(code)).toBe(info.family)
    expect(isFaultCode(code)).toBe(true)
    const classification = faultClassification(code)
    for (const [name, number] of [
      classification.type,
      classification.category,
      classification.severity,
    ]) {
      expect(name).toMatch(/^[A-Z][A-Za-z]+$/)
      expect(Number.isInteger(number)).toBe(true)
    }
  })

  it("spells the lockout code as Dexcom does, with three e's", () => {
    expect(CODES).toContain('SSO_AuthenticateMaxAttemptsExceeed')
    expect(CODES).not.toContain('SSO_AuthenticateMaxAttemptsExceeded')
    expect(isFaultCode('SSO_AuthenticateMaxAttemptsExceeded')).toBe(false)
  })

  it.each([
    ['AccountPasswordInvalid', 'Publisher account password failed'],
    [
      'MonitoringSessionAlreadyActive',
      'Publisher account already has an active monitoring session',
    ],
    ['ContactNameAlreadyExists', 'The contact name already exists for this account'],
  ] as const)('uses the observed message for %s', (code, message) => {
    expect(SHARE_FAULTS[code].message).toBe(message)
  })

  it('starts the SessionIdNotFound message with the text Share sends', () => {
    expect(
      SHARE_FAULTS.SessionIdNotFound.message.startsWith('Failed to find session object.'),
    ).toBe(true)
  })

  it('classifies the spec 5.2 types of the observed faults', () => {
    expect(faultClassification('SessionIdNotFound')).toMatchObject({
      type: ['ObjectNotFound', 5],
      category: ['Database', 2],
      severity: ['Severe', 2],
    })
    expect(faultClassification('SessionNotValid')).toMatchObject({
      type: ['SessionNotValid', 6],
      category: ['Logical', 5],
      severity: ['Minor', 1],
    })
    expect(faultClassification('AccountPasswordInvalid')).toMatchObject({
      type: ['InvalidPassword', 13],
      category: ['Validation', 4],
      severity: ['Minor', 1],
    })
    expect(faultClassification('SSO_AuthenticatePasswordInvalid')).toMatchObject({
      type: ['SingleSignOn', 15],
      category: ['System', 1],
      severity: ['Severe', 2],
    })
  })
})

describe('faultFamily', () => {
  it.each([
    ['SessionIdNotFound', 'session'],
    ['SessionNotValid', 'session'],
    ['AccountPasswordInvalid', 'account'],
    ['SSO_AuthenticatePasswordInvalid', 'account'],
    ['SSO_AuthenticateAccountNotFound', 'account'],
    ['SSO_AuthenticateMaxAttemptsExceeed', 'account'],
    ['SSO_InternalError', 'account'],
    ['InvalidArgument', 'argument'],
    ['DuplicateEgvPosted', 'argument'],
    ['InternalError', 'server'],
  ])('puts the known code %s in the %s family', (code, family) => {
    expect(faultFamily(code)).toBe(family)
  })

  it.each([
    ['the two-e spelling some clients check', 'SSO_AuthenticateMaxAttemptsExceeded', 'account'],
    ['any other SSO code', 'SSO_SomethingNew', 'account'],
    ['a client-side classification', 'UnknownException', 'server'],
    ['a code of the signed API', 'IntegrityCheckFailed', 'server'],
    ['an unknown code', 'NoSuchCode', 'server'],
    ['the empty code', '', 'server'],
    ['an Object.prototype member', 'toString', 'server'],
    ['the prototype key', '__proto__', 'server'],
  ])('puts %s (%j) in the %s family', (_label, code, family) => {
    expect(faultFamily(code)).toBe(family)
  })
})

describe('isFaultCode', () => {
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty', '', 'sessionidnotfound'])(
    'rejects %j, which is no code of the table',
    (code) => {
      expect(isFaultCode(code)).toBe(false)
    },
  )

  it.each([undefined, null, 42, {}])('rejects the non-string %j', (value) => {
    expect(isFaultCode(value)).toBe(false)
  })
})

describe('isWireFault', () => {
  it('accepts the full envelope Share sends with HTTP 500', () => {
    expect(
      isWireFault({
        Code: 'SessionIdNotFound',
        Message: 'Failed to find session object.',
        SubCode: '<OnlineException />',
        TypeName: 'FaultException',
      }),
    ).toBe(true)
  })

  it('accepts any object with a string Code, since clients read only the Code', () => {
    expect(isWireFault({ Code: 'SomethingNew' })).toBe(true)
  })

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a bare code string', 'SessionIdNotFound'],
    ['a bare JSON string answer', '5c3c6f2a-0b4e-4d8a-9f1e-2a3b4c5d6e7f'],
    ['a boolean answer', true],
    ['an empty array', []],
    ['an EGV array', [{ WT: 'Date(1700000000000)', Value: 120 }]],
    ['an object without Code', { Message: 'x', TypeName: 'FaultException' }],
    ['an object with a numeric Code', { Code: 500 }],
    ['a lower-case code key', { code: 'SessionIdNotFound' }],
  ])('rejects %s', (_label, value) => {
    expect(isWireFault(value)).toBe(false)
  })
})
