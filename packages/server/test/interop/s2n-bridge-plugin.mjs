// Drives the unmodified share2nightscout-bridge library the way Nightscout's bridge plugin does
// (`engine(opts)` with a callback), then two of its exported calls on their error paths.
// The Share host comes only from BRIDGE_SERVER, which the bridge reads when it loads.
// Reports one IPC message: { entries, badSession, wrongPassword }.
import { createRequire } from 'node:module'

// Loaded through require, as Nightscout does: the bridge runs its own CLI when it has no parent module.
const load = createRequire(import.meta.url)
const engine = load('share2nightscout-bridge')

const accountName = process.env.DEXCOM_ACCOUNT_NAME
const password = process.env.DEXCOM_PASSWORD
const firstFetchCount = Number(process.env.FIRST_FETCH_COUNT)

const deadline = setTimeout(() => {
  process.send({ error: 'the bridge did not answer in time' }, () => process.exit(3))
}, 20_000)

function fetchEntries() {
  return new Promise((resolve, reject) => {
    engine({
      login: { accountName, password },
      fetch: { minutes: 1440, maxCount: 1 },
      nightscout: {},
      maxFailures: 1,
      firstFetchCount,
      callback(error, entries) {
        if (error) reject(error)
        else resolve(entries)
      },
    })
  })
}

function fetchWithBadSession() {
  return new Promise((resolve, reject) => {
    engine.fetch({ sessionID: 'bad-session-id' }, (error, response, body) => {
      if (error) reject(error)
      else resolve({ status: response.statusCode, body })
    })
  })
}

function authorizeWithWrongPassword() {
  return new Promise((resolve, reject) => {
    engine.authorize({ accountName, password: `${password}-wrong` }, (error, response, body) => {
      if (error) reject(error)
      else resolve({ status: response.statusCode, body })
    })
  })
}

try {
  const entries = await fetchEntries()
  const badSession = await fetchWithBadSession()
  const wrongPassword = await authorizeWithWrongPassword()
  clearTimeout(deadline)
  process.send({ entries, badSession, wrongPassword }, () => process.exit(0))
} catch (error) {
  clearTimeout(deadline)
  process.send({ error: String(error) }, () => process.exit(2))
}
