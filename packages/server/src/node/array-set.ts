/**
A set of objects that come and go on every request (responses in flight, connections), kept in an
array: each member remembers its slot, and a delete moves the last member into it.

A `Set` must not be used for such churn. V8 rebuilds a `Set`'s hash table after a number of
deletes and leaves the old table pointing to the new one. Once a mark-compact has moved the table
to the old generation (any mark-compact under load does), that chain of tables and every member
it ever held survive the young-generation collections until the next mark-compact. Each request
was then promoted whole; young-generation collections took four times as long, and the heap
grew by about 80 MiB between mark-compacts (BENCHMARKS.md, seventh round). An array has no such
chain: a delete clears the slot it leaves.
*/
export class ArraySet<T extends object> implements Iterable<T> {
  readonly #members: T[] = []
  // A symbol of this set's own, so that an object can be in several sets.
  readonly #slot = Symbol('ArraySet slot')

  get size(): number {
    return this.#members.length
  }

  has(member: T): boolean {
    return this.#heldAt(member) !== undefined
  }

  add(member: T): void {
    if (this.has(member)) return
    ;(member as Record<symbol, number>)[this.#slot] = this.#members.length
    this.#members.push(member)
  }

  /** Removes `member`; answers whether it was there. */
  delete(member: T): boolean {
    const slot = this.#heldAt(member)
    if (slot === undefined) return false
    const last = this.#members.pop()!
    if (last !== member) {
      this.#members[slot] = last
      ;(last as Record<symbol, number>)[this.#slot] = slot
    }
    return true
  }

  /** The members at the time of the call: deleting or adding while iterating is safe. */
  [Symbol.iterator](): Iterator<T> {
    return [...this.#members][Symbol.iterator]()
  }

  // The member's slot if it is held there: a slot left from an earlier membership, since taken
  // by another member, does not count.
  #heldAt(member: T): number | undefined {
    const slot = (member as Record<symbol, number | undefined>)[this.#slot]
    return slot !== undefined && this.#members[slot] === member ? slot : undefined
  }
}
