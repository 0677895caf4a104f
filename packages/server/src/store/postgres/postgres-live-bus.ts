import { Client, escapeIdentifier } from 'pg'
import { EventEmitter } from 'node:events'
import type { LiveBus, LiveMessage } from '../../alerting/live-bus.js'

/** How {@link PostgresLiveBus} connects. */
export interface PostgresLiveBusConfig {
  readonly connectionString: string
  /** The NOTIFY channel; instances share messages when they use the same one. */
  readonly channel: string
  /** Told about connection losses (the bus reconnects by itself). */
  readonly onError?: (error: Error) => void
  /** Longest wait between reconnection attempts. @default 30 s */
  readonly maxReconnectDelayMs?: number
}

function isLiveMessage(value: unknown): value is LiveMessage {
  const v = value as Partial<LiveMessage> | null
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.followerId === 'string' &&
    typeof v.subscriptionId === 'string' &&
    (v.event === 'reading' || v.event === 'alert') &&
    typeof v.data === 'string'
  )
}

/**
Live messages between server instances over PostgreSQL LISTEN/NOTIFY. One dedicated connection
listens; NOTIFY goes out on a second one. A message published by any instance reaches every
instance listening on the channel (this one included), once. Messages sent while a listener is
reconnecting are not replayed: a stream is live, and alert events stay readable through
`Subscriber/ReadAlertEvents`.
*/
export class PostgresLiveBus implements LiveBus {
  readonly #config: PostgresLiveBusConfig
  readonly #emitter = new EventEmitter().setMaxListeners(0)
  #listener: Client | undefined
  #publisher: Promise<Client> | undefined
  #reconnectDelay = 500
  #reconnectTimer: NodeJS.Timeout | undefined
  #closed = false
  #listening: Promise<void> | undefined

  constructor(config: PostgresLiveBusConfig) {
    this.#config = config
  }

  /** Resolves once the listening connection is up (the first time). */
  ready(): Promise<void> {
    this.#listening ??= this.#listen()
    return this.#listening
  }

  subscribe(listener: (message: LiveMessage) => void): () => void {
    void this.ready().catch(() => undefined)
    this.#emitter.on('message', listener)
    return () => this.#emitter.off('message', listener)
  }

  async publish(messages: readonly LiveMessage[]): Promise<void> {
    if (messages.length === 0 || this.#closed) return
    const payloads = messages.map((message) => JSON.stringify(message))
    try {
      const client = await this.#publisherClient()
      await client.query('SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload', [
        this.#config.channel,
        payloads,
      ])
    } catch (error) {
      // The next publish opens a new connection.
      const broken = this.#publisher
      this.#publisher = undefined
      void broken?.then((client) => client.end()).catch(() => undefined)
      throw error
    }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#reconnectTimer)
    this.#emitter.removeAllListeners()
    const listener = this.#listener
    this.#listener = undefined
    const publisher = this.#publisher
    this.#publisher = undefined
    await Promise.all([
      listener?.end().catch(() => undefined),
      publisher?.then((client) => client.end()).catch(() => undefined),
    ])
  }

  #publisherClient(): Promise<Client> {
    this.#publisher ??= (async () => {
      const client = new Client({ connectionString: this.#config.connectionString })
      client.on('error', (error) => this.#config.onError?.(error))
      await client.connect()
      return client
    })()
    return this.#publisher
  }

  async #listen(): Promise<void> {
    const client = new Client({ connectionString: this.#config.connectionString })
    client.on('notification', (notification) => {
      if (notification.channel !== this.#config.channel || !notification.payload) return
      let message: unknown
      try {
        message = JSON.parse(notification.payload)
      } catch {
        return
      }
      if (isLiveMessage(message)) this.#emitter.emit('message', message)
    })
    client.on('error', (error) => {
      this.#config.onError?.(error)
      this.#reconnect(client)
    })
    client.on('end', () => this.#reconnect(client))
    try {
      await client.connect()
      await client.query(`LISTEN ${escapeIdentifier(this.#config.channel)}`)
    } catch (error) {
      this.#reconnect(client)
      throw error
    }
    if (this.#closed) {
      await client.end().catch(() => undefined)
      return
    }
    this.#listener = client
    this.#reconnectDelay = 500
  }

  #reconnect(client: Client): void {
    if (this.#closed || this.#reconnectTimer) return
    if (this.#listener === client) this.#listener = undefined
    client.end().catch(() => undefined)
    const delay = this.#reconnectDelay
    this.#reconnectDelay = Math.min(delay * 2, this.#config.maxReconnectDelayMs ?? 30_000)
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined
      this.#listen().catch((error: unknown) => this.#config.onError?.(error as Error))
    }, delay)
    this.#reconnectTimer.unref()
  }
}
