/** GenerationalMap: what it keeps, what it drops first, and stale values kept in place. */
import { describe, expect, it } from 'vitest'
import { GenerationalMap } from './generational-map.js'

describe('GenerationalMap', () => {
  it('keeps two generations and drops the older one whole when the current one is full', () => {
    const map = new GenerationalMap<string, number>(2)
    map.set('a', 1)
    map.set('b', 2)
    map.set('c', 3) // a and b are now the previous generation, c the current one
    expect(map.get('a')).toBe(1) // copied into the current generation, which is now full
    map.set('d', 4) // c and a become the previous generation; b, not used since, goes
    expect([map.get('a'), map.get('b'), map.get('c'), map.get('d')]).toEqual([1, undefined, 3, 4])
  })

  it('forgets what was not used for two generations', () => {
    const map = new GenerationalMap<string, number>(1)
    map.set('a', 1)
    map.set('b', 2)
    map.set('c', 3)
    expect(map.get('a')).toBeUndefined()
    expect(map.get('b')).toBe(2)
  })

  it('overwrites a key in place without making room', () => {
    const map = new GenerationalMap<string, number>(2)
    map.set('a', 1)
    map.set('b', 2)
    map.set('a', 10)
    map.set('b', 20)
    expect([map.get('a'), map.get('b')]).toEqual([10, 20])
  })

  it('replaces a value in both generations and adds nothing that was not held', () => {
    const map = new GenerationalMap<string, number | undefined>(1)
    map.set('a', 1)
    map.set('b', 2) // a in the previous generation
    map.replace('a', undefined)
    map.replace('z', 26)
    expect(map.get('a')).toBeUndefined()
    expect(map.get('z')).toBeUndefined()
    expect(map.get('b')).toBe(2)
    // A stale value in the current generation hides an older one in the previous generation.
    map.set('a', 5) // a current, b previous
    map.replace('a', undefined)
    expect(map.get('a')).toBeUndefined()
  })

  it('drops everything on clear', () => {
    const map = new GenerationalMap<string, number>(1)
    map.set('a', 1)
    map.set('b', 2)
    map.clear()
    expect([map.get('a'), map.get('b')]).toEqual([undefined, undefined])
  })
})
