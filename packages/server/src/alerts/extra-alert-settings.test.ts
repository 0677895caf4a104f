import { describe, expect, it } from 'vitest'
import { Ajv } from 'ajv'
import { ShareFault } from '../share/share-fault.js'
import {
  DEFAULT_EXTRA_ALERTS,
  WireExtraAlertSettings,
  WireExtraAlertSettingsInput,
  toStoredExtraAlerts,
  toWireExtraAlerts,
} from './extra-alert-settings.js'

const ajv = new Ajv({ strict: false })
const validInput = ajv.compile(WireExtraAlertSettingsInput)
const validAnswer = ajv.compile(WireExtraAlertSettings)

function faultOf(run: () => unknown): ShareFault {
  try {
    run()
  } catch (error) {
    if (error instanceof ShareFault) return error
    throw error
  }
  throw new Error('expected a ShareFault')
}

describe('extra alert settings', () => {
  it('are all off by default, at 3 mg/dL/min', () => {
    expect(toStoredExtraAlerts(undefined)).toEqual(DEFAULT_EXTRA_ALERTS)
    expect(toWireExtraAlerts(DEFAULT_EXTRA_ALERTS)).toEqual({
      RisingFastAlert: { IsEnabled: false, Rate: 3, AlarmDelay: 'PT0M', RealarmDelay: 'PT0M' },
      FallingFastAlert: { IsEnabled: false, Rate: 3, AlarmDelay: 'PT0M', RealarmDelay: 'PT0M' },
      UrgentLowSoonAlert: { IsEnabled: false, AlarmDelay: 'PT0M', RealarmDelay: 'PT30M' },
    })
    expect(validAnswer(toWireExtraAlerts(DEFAULT_EXTRA_ALERTS))).toBe(true)
  })

  it('apply a change and keep what it leaves out', () => {
    const first = toStoredExtraAlerts({
      FallingFastAlert: { IsEnabled: true, Rate: 2, RealarmDelay: 'PT45M' },
    })
    const second = toStoredExtraAlerts(
      { UrgentLowSoonAlert: { IsEnabled: true, AlarmDelay: '00:10:00' } },
      first,
    )
    expect(second).toEqual({
      RisingFastAlert: DEFAULT_EXTRA_ALERTS.RisingFastAlert,
      FallingFastAlert: { IsEnabled: true, Rate: 2, AlarmDelayMs: 0, RealarmDelayMs: 45 * 60_000 },
      UrgentLowSoonAlert: {
        IsEnabled: true,
        AlarmDelayMs: 10 * 60_000,
        RealarmDelayMs: 30 * 60_000,
      },
    })
    // Stored settings are plain JSON.
    expect(JSON.parse(JSON.stringify(second))).toEqual(second)
  })

  it.each([
    [{ RisingFastAlert: { AlarmDelay: 'soon' } }, 'RisingFastAlert.AlarmDelay'],
    [{ FallingFastAlert: { RealarmDelay: 'PT30S' } }, 'FallingFastAlert.RealarmDelay'],
    [{ UrgentLowSoonAlert: { RealarmDelay: 'P2D' } }, 'UrgentLowSoonAlert.RealarmDelay'],
    [{ RisingFastAlert: { Rate: 1.5 } }, 'RisingFastAlert.Rate'],
    [{ FallingFastAlert: { Rate: Number.NaN } }, 'FallingFastAlert.Rate'],
  ])('refuse %j with InvalidArgument naming the field', (input, field) => {
    const fault = faultOf(() => toStoredExtraAlerts(input))
    expect(fault.code).toBe('InvalidArgument')
    expect(fault.message).toContain(field)
  })

  it('have a schema that bounds the rate and types every member', () => {
    expect(validInput({})).toBe(true)
    expect(validInput({ RisingFastAlert: { Rate: 2.5, IsEnabled: true } })).toBe(true)
    expect(validInput({ RisingFastAlert: { Rate: 6 } })).toBe(false)
    expect(validInput({ FallingFastAlert: { Rate: 1 } })).toBe(false)
    expect(validInput({ UrgentLowSoonAlert: { IsEnabled: 'yes' } })).toBe(false)
    expect(validInput({ UrgentLowSoonAlert: { AlarmDelay: 'x'.repeat(33) } })).toBe(false)
  })
})
