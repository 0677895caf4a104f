import type { LiveBus, LiveMessage } from './live-bus.js'

/** Something that writes one Server-Sent Event to one open stream. */
export type StreamWriter = (message: LiveMessage) => void

/**
The live streams open on this instance, by follower account id. Messages from the bus (raised on
any instance) go to every stream of the follower they name.
*/
export class FollowerStreams {
  readonly #streams = new Map<string, Set<StreamWriter>>()
  readonly #unsubscribe: () => void

  constructor(bus: LiveBus) {
    this.#unsubscribe = bus.subscribe((message) => this.#deliver(message))
  }

  /** Adds a stream for a follower; returns the function that removes it. */
  add(followerId: string, writer: StreamWriter): () => void {
    let set = this.#streams.get(followerId)
    if (!set) {
      set = new Set()
      this.#streams.set(followerId, set)
    }
    set.add(writer)
    return () => {
      set.delete(writer)
      if (set.size === 0) this.#streams.delete(followerId)
    }
  }

  /** Streams open now for one follower. */
  countOf(followerId: string): number {
    return this.#streams.get(followerId)?.size ?? 0
  }

  /** Streams open now, for metrics and tests. */
  get size(): number {
    let count = 0
    for (const set of this.#streams.values()) count += set.size
    return count
  }

  close(): void {
    this.#unsubscribe()
    this.#streams.clear()
  }

  #deliver(message: LiveMessage): void {
    for (const writer of this.#streams.get(message.followerId) ?? []) writer(message)
  }
}
