/**
The read-only HTTP server of `glucoshare archive serve`: CSV and JSON over the archive for Excel
("From Web") and Google Sheets (`IMPORTDATA`), and Nightscout's API v1 entries endpoints.
Every request opens its own read-only connection to the archive, so long downloads stream side
by side and `glucoshare archive` keeps writing meanwhile.
@module
*/
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { ArchiveStore, type ArchivedReading } from '../archive/archive-store.js'
import { exportChunks, type ExportFormat } from '../export/export-chunks.js'
import { parseNightscoutQuery } from './nightscout-query.js'
import { nightscoutChunks, type NightscoutFormat } from './nightscout-chunks.js'
import { QueryError, type ArchiveWindow } from './query-error.js'
import { parseReadingsQuery } from './readings-query.js'

/** Options of {@link createArchiveServer}. */
export interface ArchiveServerOptions {
  /** The archive file; it must exist. */
  readonly archivePath: string
  /** The clock relative times (`from=-7d`) count from. @default Date.now */
  readonly now?: () => number
  /** Receives one line per request and per failure; never a query string. @default none */
  readonly log?: (line: string) => void
}

const CONTENT_TYPES: Readonly<Record<ExportFormat | NightscoutFormat, string>> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json; charset=utf-8',
  ndjson: 'application/x-ndjson; charset=utf-8',
  tsv: 'text/tab-separated-values; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
}

const READINGS_PATH = /^\/readings\.(csv|json|ndjson)$/
const ENTRIES_PATH = /^\/api\/v1\/entries(?:\/(sgv|current))?(?:\.(json|csv|tsv|txt))?$/

const HELP = `glucoshare archive server (read-only)

GET /readings.csv | /readings.json | /readings.ndjson
    ?from=-7d&to=now&source=NAME&count=N&order=asc|desc&excel-eu=true
GET /api/v1/entries.json | .csv | .tsv    (also /api/v1/entries, /api/v1/entries/sgv.json)
    ?count=10&find[date][$gte]=EPOCH_MS&find[dateString][$lt]=2024-01-02&source=NAME
GET /api/v1/entries/current.json
`

/** Creates the server; call `listen` on it. */
export function createArchiveServer(options: ArchiveServerOptions): Server {
  const now = options.now ?? Date.now
  const log = options.log ?? (() => undefined)
  return createServer((request, response) => {
    response.on('finish', () =>
      log(`${request.method ?? '?'} ${pathOf(request)} ${response.statusCode}`),
    )
    handle(request, response, options.archivePath, now).catch((error: unknown) => {
      log(`failed: ${error instanceof Error ? error.message : String(error)}`)
      if (!response.headersSent) sendJson(response, 500, 'the server failed; see its log')
      else response.destroy()
    })
  })
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  archivePath: string,
  now: () => number,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('allow', 'GET, HEAD')
    sendJson(
      response,
      405,
      `${request.method ?? 'this method'} is not allowed: the archive server is read-only`,
    )
    return
  }
  const url = new URL(request.url ?? '/', 'http://localhost')
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname
  if (path === '/') {
    response.writeHead(200, { 'content-type': CONTENT_TYPES.txt }).end(HELP)
    return
  }
  const readings = READINGS_PATH.exec(path)
  const entries = ENTRIES_PATH.exec(path)
  if (!readings && !entries) {
    sendJson(response, 404, 'no such endpoint; GET / lists them')
    return
  }
  try {
    if (readings) {
      const format = readings[1] as ExportFormat
      const query = parseReadingsQuery(url.searchParams, now())
      await streamArchive(response, archivePath, CONTENT_TYPES[format], query, true, (rows) =>
        exportChunks(rows, { format, excelEu: query.excelEu, bom: false }),
      )
      return
    }
    const format = (entries![2] ?? 'json') as NightscoutFormat
    const query = parseNightscoutQuery(url.searchParams)
    const window: ArchiveWindow & { order: 'desc' } = { ...query, order: 'desc' }
    if (entries![1] === 'current') window.limit = 1
    await streamArchive(response, archivePath, CONTENT_TYPES[format], window, false, (rows) =>
      nightscoutChunks(query.empty ? [] : rows, format),
    )
  } catch (error) {
    if (!(error instanceof QueryError)) throw error
    sendJson(response, 400, error.message)
  }
}

async function streamArchive(
  response: ServerResponse,
  archivePath: string,
  contentType: string,
  query: ArchiveWindow & { order: 'asc' | 'desc' },
  strictSource: boolean,
  chunks: (readings: Iterable<ArchivedReading>) => Iterable<string>,
): Promise<void> {
  let store: ArchiveStore
  try {
    store = ArchiveStore.open(archivePath, { readonly: true })
  } catch {
    sendJson(response, 503, 'the archive cannot be read now; try again later')
    return
  }
  let rows: IterableIterator<ArchivedReading> | undefined
  try {
    if (strictSource && query.source !== undefined && !store.sources().includes(query.source)) {
      throw new QueryError(
        `the archive has no source "${query.source}"; it has: ${store.sources().join(', ') || 'none'}`,
      )
    }
    const { from, to, source, limit, order } = query
    rows = store.range({
      order,
      ...(from !== undefined ? { from } : {}),
      ...(to !== undefined ? { to } : {}),
      ...(source !== undefined ? { source } : {}),
      ...(limit !== undefined ? { limit } : {}),
    })
    response.writeHead(200, {
      'content-type': contentType,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    try {
      await pipeline(Readable.from(chunks(rows)), response)
    } catch (error) {
      // A client that goes away mid-download leaves nobody to tell.
      if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error
    }
  } finally {
    // An unfinished iterator keeps the connection busy, and a busy connection cannot close.
    rows?.return?.()
    store.close()
  }
}

function sendJson(response: ServerResponse, status: number, message: string): void {
  response
    .writeHead(status, { 'content-type': CONTENT_TYPES.json, 'cache-control': 'no-store' })
    .end(`${JSON.stringify({ status, message })}\n`)
}

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/'
  const query = url.indexOf('?')
  // Only printable ASCII reaches the log, so a crafted path cannot forge log lines.
  return (query === -1 ? url : url.slice(0, query)).replace(/[^\x21-\x7e]/g, '?').slice(0, 200)
}
