/**
Bytes after a complete request, on a real socket. share2nightscout-bridge sends its reads as
`Content-Length: 0` followed by `""`; the server must still answer the request itself.
*/
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEXCOM_SERVICES_PATH } from '@glucoshare/sdk'
import { serve, type RunningServer } from './node/serve.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'

const UNKNOWN_SESSION = '5c3c2c4e-0000-4000-8000-000000000001'
const READ_PATH = `${DEXCOM_SERVICES_PATH}/Publisher/ReadPublisherLatestGlucoseValues?sessionID=${UNKNOWN_SESSION}&minutes=1440&maxCount=1`

/** Writes raw bytes in one go and collects everything until the server closes the connection. */
function exchange(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')))
    socket.setTimeout(10_000, () => {
      socket.destroy()
      reject(new Error(`no close within 10 s; got: ${Buffer.concat(chunks).toString('utf8')}`))
    })
    socket.write(raw)
  })
}

function request(connection: 'close' | 'keep-alive'): string {
  return [
    `POST ${READ_PATH} HTTP/1.1`,
    'Host: 127.0.0.1',
    'User-Agent: share2nightscout-bridge/0.2.12',
    'Content-Type: application/json',
    'Content-Length: 0',
    'Accept: application/json',
    `Connection: ${connection}`,
    '',
    '',
  ].join('\r\n')
}

describe('stray bytes after a complete request', () => {
  let dir: string
  let server: RunningServer

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'glucoshare-stray-'))
    const store = new SqliteStore({ path: join(dir, 'glucoshare.db') })
    await store.migrate()
    server = await serve({ store, port: 0, host: '127.0.0.1', logger: false })
  })

  afterEach(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const port = () => Number(new URL(server.url).port)

  it('the request is still answered by its operation when `""` follows `Content-Length: 0`', async () => {
    const raw = await exchange(port(), `${request('close')}""`)

    expect(raw).toMatch(/^HTTP\/1\.1 500 /)
    expect(raw).toContain('"Code":"SessionIdNotFound"')
    expect(raw).not.toContain('Client Error')
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1)
  })

  it('a keep-alive connection is answered and then closed instead of parsing the stray bytes', async () => {
    const raw = await exchange(port(), `${request('keep-alive')}""`)

    expect(raw).toMatch(/^HTTP\/1\.1 500 /)
    expect(raw).toContain('"Code":"SessionIdNotFound"')
    expect(raw.match(/HTTP\/1\.1 /g)).toHaveLength(1)
  })

  it('bytes that are not a request at all still get a plain 400', async () => {
    const raw = await exchange(port(), '""\r\n\r\n')

    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
    expect(raw).toContain('"statusCode":400')
  })
})
