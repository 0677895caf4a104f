// Runs the unmodified nightscout-connect package the way Nightscout (cgm-remote-monitor) embeds it:
// `require('nightscout-connect')(env, ctx)` with `env.extendedSettings.connect` built from the
// CONNECT_* variables, and a ctx whose bus and entries store stand in for Nightscout's.
// The driver loop (xstate) does the Share login and read itself; the first batch of entries it
// stores is reported over IPC as { entries }, then the loop is stopped.
// KNOWN_SGV_MILLS, when set, is the newest reading this stand-in Nightscout already holds.
import { EventEmitter } from 'node:events'
import { createRequire } from 'node:module'

const load = createRequire(import.meta.url)
const nightscoutConnect = load('nightscout-connect')

const env = {
  extendedSettings: {
    connect: {
      source: process.env.CONNECT_SOURCE,
      shareServer: process.env.CONNECT_SHARE_SERVER,
      shareAccountName: process.env.CONNECT_SHARE_ACCOUNT_NAME,
      sharePassword: process.env.CONNECT_SHARE_PASSWORD,
    },
  },
}

const known = process.env.KNOWN_SGV_MILLS
const sgvs = known ? [{ mills: Number(known) }] : []
// The part of Nightscout's sandbox that nightscout-connect reads on `data-processed`.
const sbx = {
  data: { sgvs, treatments: [], devicestatus: [], profile: [] },
  lastEntry: (list) => list[list.length - 1],
}

let handle
let ticker
let finished = false
function finish(message, code) {
  if (finished) return
  finished = true
  clearInterval(ticker)
  clearTimeout(deadline)
  Promise.resolve(handle?.stop()).finally(() => process.send(message, () => process.exit(code)))
}
const stored = (docs, done) => done(null, docs)
const ctx = {
  bus: new EventEmitter(),
  bootErrors: [],
  entries: {
    create(docs, done) {
      done(null, docs)
      finish({ entries: docs }, 0)
    },
  },
  treatments: { create: stored },
  devicestatus: { create: stored },
  profile: { create: stored },
}

const deadline = setTimeout(() => finish({ error: 'no entries were stored in time' }, 3), 20_000)
handle = nightscoutConnect(env, ctx)
if (!handle) {
  finish(
    { error: 'nightscout-connect disabled itself', bootErrors: ctx.bootErrors.map((e) => e.desc) },
    2,
  )
} else {
  // Nightscout emits `data-processed` after each data load; the first one starts the loop, later
  // ones answer its "what do you already have" question.
  ticker = setInterval(() => ctx.bus.emit('data-processed', sbx), 50)
}
