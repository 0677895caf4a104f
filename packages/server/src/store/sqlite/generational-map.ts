/**
A bounded map of two generations: new entries go to the current one; when it is full, it becomes
the previous one and the previous one is dropped whole. An entry found only in the previous
generation is copied into the current one, so what is still used survives the next turn.

Entries are never deleted one by one, and a full map is replaced by a new one rather than
cleared: V8 rebuilds a `Map`'s table after deletes (and on `clear()`) and links the old table to
the new one, a chain that young-generation collections keep alive once the first table is in
the old generation (`node/array-set.ts`). Holds at most `2 × generationSize` entries.
*/
export class GenerationalMap<K, V> {
  readonly #generationSize: number
  #current = new Map<K, V>()
  #previous = new Map<K, V>()

  constructor(generationSize: number) {
    this.#generationSize = generationSize
  }

  get(key: K): V | undefined {
    // One lookup for a hit in the current generation, the busy case; `has` tells a held
    // `undefined` from a miss.
    const current = this.#current.get(key)
    if (current !== undefined || this.#current.has(key)) return current
    if (!this.#previous.has(key)) return undefined
    const value = this.#previous.get(key)!
    this.set(key, value)
    return value
  }

  set(key: K, value: V): void {
    if (this.#current.size >= this.#generationSize && !this.#current.has(key)) {
      this.#previous = this.#current
      this.#current = new Map()
    }
    this.#current.set(key, value)
  }

  /** Replaces the value of `key` where it is held, without adding it where it is not. */
  replace(key: K, value: V): void {
    if (this.#current.has(key)) this.#current.set(key, value)
    if (this.#previous.has(key)) this.#previous.set(key, value)
  }

  /** Drops everything (both generations, for new empty maps). */
  clear(): void {
    this.#current = new Map()
    this.#previous = new Map()
  }
}
