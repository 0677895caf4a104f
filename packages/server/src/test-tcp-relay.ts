/**
A TCP relay on 127.0.0.1 in front of another server, for tests. Stopping it is that server going
away for everyone connected through the relay (their sockets are cut, new connections are
refused) while the server itself keeps running for everyone else; starting it again on the same
port is the server coming back. The tests use it in front of the machine's PostgreSQL, which
they must never stop. Not part of the build.
*/
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net'

/** Most connections the relay carries at once; more are refused. */
const MAX_CONNECTIONS = 64

export class TcpRelay {
  readonly #targetHost: string
  readonly #targetPort: number
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  #port: number | undefined

  /** Relays to `targetHost:targetPort`, e.g. `127.0.0.1:5432`. */
  constructor(targetHost: string, targetPort: number) {
    this.#targetHost = targetHost
    this.#targetPort = targetPort
  }

  /** The port the relay listens (or last listened) on. */
  get port(): number {
    if (this.#port === undefined) throw new Error('the relay has not been started')
    return this.#port
  }

  /** True while the relay accepts connections. */
  get running(): boolean {
    return this.#server !== undefined
  }

  /**
  Listens on 127.0.0.1 and resolves with the port: `port`, or the last one used, or a free one.
  Starting a running relay is an error.
  */
  async start(port = this.#port ?? 0): Promise<number> {
    if (this.#server) throw new Error('the relay is already running')
    const server = createServer((client) => this.#relay(client))
    server.maxConnections = MAX_CONNECTIONS
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    this.#server = server
    this.#port = (server.address() as AddressInfo).port
    return this.#port
  }

  /** Stops listening and cuts every relayed connection. Safe to call when stopped. */
  async stop(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const socket of this.#sockets) socket.destroy()
    this.#sockets.clear()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  #relay(client: Socket): void {
    const upstream = connect(this.#targetPort, this.#targetHost)
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket)
      socket.on('close', () => this.#sockets.delete(socket))
      // Either side failing ends both, as a dropped network path would.
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  }
}
