import { Type } from '@sinclair/typebox'

/** A receiver or transmitter serial number parameter. */
export const SerialNumber = Type.String({
  pattern: '^\\s*[A-Za-z0-9._-]{1,64}\\s*$',
  description: 'Receiver or transmitter serial number (compared without regard to case).',
  examples: ['SM12345678'],
})

/** Serial numbers are compared upper-case and trimmed, as xDrip+ upper-cases its `share_key`. */
export function normalizeSerial(serialNumber: string): string {
  return serialNumber.trim().toUpperCase()
}
