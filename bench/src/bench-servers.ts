import { spawn, type ChildProcess } from 'node:child_process'
import { DIST_DIR } from './bench-paths.js'

/** A server process under test. */
export interface BenchServer {
  readonly name: string
  readonly url: string
  readonly pid: number
  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>
}

/** Where and how to start a server process. */
export interface ServerSpec {
  readonly name: string
  /** A script in bench/dist. */
  readonly script: string
  readonly args: readonly string[]
  readonly port: number
  /** Path that answers 2xx once the server is ready. */
  readonly readyPath: string
  /** Pin the process to this CPU (taskset), keeping the load generator off it. */
  readonly cpu: number | undefined
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>
  /** Options for node itself, before the script. */
  readonly nodeOptions?: readonly string[]
}

/**
Starts a server in its own process; its stdout (request logs) goes to /dev/null, as cheap a
destination as a log can have. Resolves once it answers `readyPath`.
*/
export async function startServer(spec: ServerSpec): Promise<BenchServer> {
  const node = [...(spec.nodeOptions ?? []), `${DIST_DIR}${spec.script}`, ...spec.args]
  const options = {
    stdio: ['ignore', 'ignore', 'pipe'] as ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...spec.env },
  }
  const child: ChildProcess =
    spec.cpu === undefined
      ? spawn(process.execPath, node, options)
      : spawn('taskset', ['-c', String(spec.cpu), process.execPath, ...node], options)
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${spec.port}`
  const server: BenchServer = {
    name: spec.name,
    url,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited: ${stderr.trim()}`)
    try {
      const response = await fetch(`${url}${spec.readyPath}`, { method: 'GET' })
      await response.arrayBuffer()
      if (response.ok) return server
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(`${spec.name} did not start within 60 s: ${stderr.trim()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
