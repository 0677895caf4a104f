import { randomBytes } from 'node:crypto'

const COUNTER_BITS = 42n
const COUNTER_MASK = (1n << COUNTER_BITS) - 1n
// Starts anywhere in the lower half, so it never wraps in a process's life.
let counter = BigInt(`0x${randomBytes(5).toString('hex')}`) & (COUNTER_MASK >> 1n)

/**
A new alert event id: a UUID in the version 7 layout (RFC 9562) holding the event's time and
then a counter this process increments, so that ids sort as text in the order they were made.
Stores list events by time and then id: events of the same millisecond (a `cleared` and a
`fired` of one evaluation, an acknowledgement right after a fire) keep the order in which they
happened instead of a random one. The low 32 bits are random, for ids made by other instances.
*/
export function alertEventId(at: number): string {
  counter = (counter + 1n) & COUNTER_MASK
  const ms = BigInt(Math.max(0, Math.min(Math.trunc(at), 2 ** 48 - 1)))
  const random = BigInt(`0x${randomBytes(4).toString('hex')}`)
  const value =
    (ms << 80n) |
    (7n << 76n) |
    ((counter >> 30n) << 64n) |
    (2n << 62n) |
    ((counter & ((1n << 30n) - 1n)) << 32n) |
    random
  const hex = value.toString(16).padStart(32, '0')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
