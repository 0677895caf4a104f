import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { defineCommand } from 'citty'
import { ArchiveStore } from '../../archive/archive-store.js'
import { createArchiveServer } from '../../archive-server/archive-server.js'
import { CLIError, EXIT } from '../../cli-error.js'
import { archivePathOf, archiveReadArgs } from '../_archive-args.js'
import { integerArg } from '../_shared.js'

/** Port of `archive serve` when none is given. */
export const DEFAULT_ARCHIVE_SERVE_PORT = 8081

export default defineCommand({
  meta: {
    name: 'serve',
    description:
      'Serve the archive read-only over HTTP: CSV/JSON for Excel and Google Sheets, and Nightscout /api/v1/entries',
  },
  args: {
    port: {
      type: 'string',
      description: `TCP port (default ${DEFAULT_ARCHIVE_SERVE_PORT}; 0 picks a free one)`,
      valueHint: 'n',
    },
    host: {
      type: 'string',
      description: 'Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)',
      valueHint: 'addr',
    },
    archive: archiveReadArgs.archive,
  },
  async run({ args }) {
    const port = integerArg('--port', args.port, {
      min: 0,
      max: 65535,
      fallback: DEFAULT_ARCHIVE_SERVE_PORT,
    })
    const host = args.host?.trim() || '127.0.0.1'
    const archivePath = archivePathOf(args.archive)
    // Fail now, not on the first request, when the archive is missing or unreadable.
    ArchiveStore.open(archivePath, { readonly: true }).close()
    const server = createArchiveServer({
      archivePath,
      log: (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
    })
    server.listen(port, host)
    try {
      await Promise.race([
        once(server, 'listening'),
        once(server, 'error').then(([error]) => Promise.reject(error as Error)),
      ])
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      const reason =
        code === 'EADDRINUSE'
          ? `port ${port} is in use; pick another with --port`
          : code === 'EADDRNOTAVAIL'
            ? `${host} is not an address of this computer`
            : (error as Error).message
      throw new CLIError(`cannot start the archive server: ${reason}`)
    }
    const address = server.address() as AddressInfo
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address
    process.stdout.write(
      `glucoshare archive server on http://${shown}:${address.port} (read-only; archive ${archivePath})\n`,
    )
    if (!isLoopback(host)) {
      process.stderr.write(
        'glucoshare: warning: the archive server has no login: anyone who can reach this address can read every reading\n',
      )
    }
    await new Promise<void>((resolve) => {
      const stop = () => {
        server.close(() => resolve())
        server.closeIdleConnections()
      }
      process.once('SIGINT', stop)
      process.once('SIGTERM', stop)
    })
    process.exitCode = EXIT.ok
  },
})

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}
