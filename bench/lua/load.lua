-- The load of `npm run bench` when wrk is the load generator (bench/src/wrk-load.ts):
--   wrk -t1 -cN -dS -s load.lua URL -- fixed FILE
--     FILE: "path<TAB>body" lines, sent in turn
--   wrk -t1 -cN -dS -s load.lua URL -- upload FILE COUNT SPACING_MS
--     FILE: "path<TAB>serial number<TAB>first time" lines, one per account in sending order;
--     each request uploads COUNT new readings SPACING_MS apart, as Uploads.next does in TypeScript.
-- done() prints one line, "WRK_RESULT {json}", that wrk-load.ts reads.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local headers = { ["Content-Type"] = "application/json" }
local mode, requests, accounts, count, spacing
local cursor = 0
-- Requests made, read by done() through thread:get, so it must be a global.
made = 0

function init(args)
  mode = args[1]
  local file = assert(io.open(args[2], "r"))
  if mode == "fixed" then
    requests = {}
    for line in file:lines() do
      local path, body = line:match("^([^\t]*)\t(.*)$")
      requests[#requests + 1] = wrk.format("POST", path, headers, body)
    end
  elseif mode == "upload" then
    accounts = {}
    count = tonumber(args[3])
    spacing = tonumber(args[4])
    for line in file:lines() do
      local path, serial, first = line:match("^([^\t]*)\t([^\t]*)\t(%d+)$")
      accounts[#accounts + 1] = { path = path, serial = serial, nextTime = tonumber(first) }
    end
  else
    error("unknown mode " .. tostring(mode))
  end
  file:close()
end

local function upload()
  cursor = cursor % #accounts + 1
  local account = accounts[cursor]
  local egvs = {}
  for i = 1, count do
    local t = account.nextTime + (i - 1) * spacing
    local date = string.format("/Date(%.0f)/", t)
    egvs[i] = string.format('{"Trend":4,"ST":"%s","DT":"%s","Value":%.0f}',
      date, date, 100 + math.floor(t / 100) % 80)
  end
  account.nextTime = account.nextTime + count * spacing
  local body = '{"Egvs":[' .. table.concat(egvs, ",") .. '],"SN":"' .. account.serial .. '","TA":-5}'
  return wrk.format("POST", account.path, headers, body)
end

function request()
  made = made + 1
  if mode == "upload" then
    return upload()
  end
  cursor = cursor % #requests + 1
  return requests[cursor]
end

function done(summary, latency, _)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("made")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"durationUs":%.0f,"requests":%.0f,"non2xx":%.0f,"connect":%.0f,"read":%.0f,' ..
    '"write":%.0f,"timeout":%.0f,"made":%.0f,"p50Us":%.0f,"p99Us":%.0f}\n',
    summary.duration, summary.requests, e.status, e.connect, e.read, e.write, e.timeout, total,
    latency:percentile(50), latency:percentile(99)))
end
