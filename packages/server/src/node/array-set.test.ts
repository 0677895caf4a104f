/**
ArraySet as a set (membership, deletes that move the last member, iteration while changing it),
and the reason it exists: members it no longer holds are not kept alive by young-generation
collections, where a `Set` that a mark-compact moved to the old generation keeps them.
*/
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { ArraySet } from './array-set.js'

const member = (name: string) => ({ name })

describe('ArraySet', () => {
  it('adds, finds and deletes members, each once', () => {
    const set = new ArraySet<{ name: string }>()
    const [a, b, c] = [member('a'), member('b'), member('c')]
    set.add(a)
    set.add(b)
    set.add(a)
    expect(set.size).toBe(2)
    expect([set.has(a), set.has(b), set.has(c)]).toEqual([true, true, false])

    expect(set.delete(c)).toBe(false)
    expect(set.delete(a)).toBe(true)
    expect(set.delete(a)).toBe(false)
    expect(set.size).toBe(1)
    expect([set.has(a), set.has(b)]).toEqual([false, true])

    set.add(a)
    expect([...set]).toEqual([b, a])
  })

  it('moves the last member into a deleted slot and still finds every member', () => {
    const set = new ArraySet<{ name: string }>()
    const members = ['a', 'b', 'c', 'd', 'e'].map(member)
    for (const m of members) set.add(m)
    set.delete(members[1]!)
    set.delete(members[0]!)
    expect([...set].map((m) => m.name).sort()).toEqual(['c', 'd', 'e'])
    for (const m of members) expect(set.has(m)).toBe(!['a', 'b'].includes(m.name))
    for (const m of members.slice(2)) expect(set.delete(m)).toBe(true)
    expect(set.size).toBe(0)
  })

  it('lets one object be in several sets', () => {
    const [first, second] = [new ArraySet<object>(), new ArraySet<object>()]
    const [a, b] = [member('a'), member('b')]
    first.add(b)
    first.add(a)
    second.add(a)
    first.delete(b)
    expect([first.has(a), second.has(a), first.has(b)]).toEqual([true, true, false])
    second.delete(a)
    expect([first.has(a), second.has(a)]).toEqual([true, false])
  })

  it('iterates over the members at the start, whatever is deleted or added meanwhile', () => {
    const set = new ArraySet<{ name: string }>()
    const members = ['a', 'b', 'c'].map(member)
    for (const m of members) set.add(m)
    const seen: string[] = []
    for (const m of set) {
      seen.push(m.name)
      set.delete(m)
      set.add(member(`${m.name}2`))
    }
    expect(seen).toEqual(['a', 'b', 'c'])
    expect(set.size).toBe(3)
  })

  // As in a server: 50 members in flight at a time, each deleted after the next 50 came; the
  // old-generation growth across two scavenges, with the set moved there first.
  function promotedKiB(set: { add(m: object): void; delete(m: object): boolean }): number {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as (options: { type: 'major' | 'minor' }) => void
    const oldSpaceUsed = () =>
      getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')!.space_used_size
    set.add(member('seed'))
    gc({ type: 'major' })
    gc({ type: 'major' })
    const before = oldSpaceUsed()
    const inFlight: object[] = []
    for (let i = 0; i < 2000; i++) {
      const request = { i, payload: new Array<number>(128).fill(i) }
      set.add(request)
      inFlight.push(request)
      if (inFlight.length > 50) set.delete(inFlight.shift()!)
    }
    for (const request of inFlight.splice(0)) set.delete(request)
    gc({ type: 'minor' })
    gc({ type: 'minor' })
    return (oldSpaceUsed() - before) / 1024
  }

  // 2,000 members of about 1 KiB each.
  it('does not keep deleted members alive through young-generation collections', () => {
    expect(promotedKiB(new ArraySet())).toBeLessThan(200)
  })

  // Why ArraySet exists, on the V8 of Node 20 (whose hash tables this was measured on).
  it.runIf(process.versions.v8.startsWith('11.'))(
    'where a Set, once in the old generation, keeps most of them',
    () => {
      expect(promotedKiB(new Set())).toBeGreaterThan(1000)
    },
  )
})
