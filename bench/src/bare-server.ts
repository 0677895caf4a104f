/**
The ceiling: a bare node:http server answering every request with a fixed 120-byte JSON array
(one EGV, the size of a maxCount=1 answer), as perf-ceiling.md measured it.
`node bench/dist/bare-server.js <port>`
@module
*/
import { createServer } from 'node:http'

const PAYLOAD = Buffer.from(
  '[{"WT":"Date(1700000000000)","ST":"Date(1700000000000)","DT":"Date(1700000000000-0500)","Value":123,"Trend":"SingleUp"}]',
)
const HEADERS = { 'Content-Type': 'application/json', 'Content-Length': PAYLOAD.length }

const port = Number(process.argv[2] ?? 18080)
createServer((request, response) => {
  // Read the body as the real server does, then answer.
  request.resume()
  request.on('end', () => {
    response.writeHead(200, HEADERS)
    response.end(PAYLOAD)
  })
}).listen(port, '127.0.0.1', () => process.stdout.write(`listening on ${port}\n`))
