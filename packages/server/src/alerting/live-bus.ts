import { EventEmitter } from 'node:events'

/**
One message for one follower's live stream: a new reading of a publisher they follow, or an
alert event of one of their subscriptions. `data` is the JSON text the stream sends.
*/
export interface LiveMessage {
  /** The follower's account id. */
  readonly followerId: string
  readonly subscriptionId: string
  readonly event: 'reading' | 'alert'
  readonly data: string
}

/**
Carries live messages to every server instance, so that a follower connected to any of them
gets what an upload on another raised. {@link LocalLiveBus} serves one process; on PostgreSQL
`PostgresLiveBus` uses LISTEN/NOTIFY.
*/
export interface LiveBus {
  publish(messages: readonly LiveMessage[]): Promise<void>
  /** Calls `listener` for each message published by any instance; returns the unsubscribe. */
  subscribe(listener: (message: LiveMessage) => void): () => void
  close(): Promise<void>
}

/** The bus of a single server process. */
export class LocalLiveBus implements LiveBus {
  readonly #emitter = new EventEmitter().setMaxListeners(0)

  async publish(messages: readonly LiveMessage[]): Promise<void> {
    for (const message of messages) this.#emitter.emit('message', message)
  }

  subscribe(listener: (message: LiveMessage) => void): () => void {
    this.#emitter.on('message', listener)
    return () => this.#emitter.off('message', listener)
  }

  async close(): Promise<void> {
    this.#emitter.removeAllListeners()
  }
}
