import { describe, expect, it } from 'vitest'
import { parseNightscoutQuery } from './nightscout-query.js'
import { QueryError } from './query-error.js'

const query = (text: string) => parseNightscoutQuery(new URLSearchParams(text))
const DAY1 = Date.UTC(2024, 0, 1)
const DAY2 = Date.UTC(2024, 0, 2)

describe('parseNightscoutQuery', () => {
  it('answers the newest 10 by default, as Nightscout does', () => {
    expect(query('')).toStrictEqual({ limit: 10, empty: false })
    expect(query('count=288')).toStrictEqual({ limit: 288, empty: false })
  })

  it('turns find[date] bounds into an inclusive from and an exclusive to', () => {
    expect(query(`find[date][$gte]=${DAY1}&find[date][$lt]=${DAY2}`)).toMatchObject({
      from: DAY1,
      to: DAY2,
    })
    expect(query(`find[date][$gt]=${DAY1}&find[date][$lte]=${DAY2}`)).toMatchObject({
      from: DAY1 + 1,
      to: DAY2 + 1,
    })
    expect(query(`find[date]=${DAY1}`)).toMatchObject({ from: DAY1, to: DAY1 + 1 })
  })

  it('keeps the tightest of repeated bounds', () => {
    expect(
      query(`find[date][$gte]=${DAY1}&find[dateString][$gte]=2024-01-01T12:00:00.000Z`),
    ).toMatchObject({ from: DAY1 + 12 * 3_600_000 })
  })

  it("compares dateString dates like Nightscout's string order: a date covers its whole UTC day", () => {
    expect(
      query('find[dateString][$gte]=2024-01-01&find[dateString][$lte]=2024-01-02'),
    ).toMatchObject({ from: DAY1, to: DAY2 })
    expect(query('find[dateString][$gt]=2024-01-01T08')).toMatchObject({
      from: DAY1 + 8 * 3_600_000,
    })
    expect(query('find[dateString][$lt]=2024-01-01T08:00:00+02:00')).toMatchObject({
      to: DAY1 + 6 * 3_600_000,
    })
  })

  it('answers nothing for types the archive never holds, and filters nothing for sgv', () => {
    expect(query('find[type]=mbg').empty).toBe(true)
    expect(query('find[type]=sgv').empty).toBe(false)
  })

  it('takes source as a filter', () => {
    expect(query('source=alice')).toMatchObject({ source: 'alice' })
  })

  it.each([
    ['find[date][$gte]=abc', 'find[date][$gte] must be a time in epoch milliseconds'],
    ['find[date][$ne]=1', 'the operator must be $gte, $gt, $lte or $lt'],
    ['find[sgv][$gte]=100', 'find[sgv][$gte] is not supported'],
    ['find[dateString][$gte]=yesterday', 'must be a UTC date or time'],
    ['count=0', 'count must be a whole number from 1 up'],
    ['count=ten', 'count must be a whole number from 1 up'],
    ['count=-5', 'count must be a whole number from 1 up'],
    ['source=', 'source must not be empty'],
  ])('refuses %s with a clear message', (text, message) => {
    expect(() => query(text)).toThrow(QueryError)
    expect(() => query(text)).toThrow(message)
  })
})
