-- wrk script of the benchmark harness (dev.parley.server.bench.Bench): every connection is
-- one session and cycles through a list of JSON-RPC calls.
--
-- The harness runs one connection per wrk thread (-t N -c N), so that each connection has a
-- token of its own: thread i takes line i of the file BENCH_TOKENS.
-- BENCH_CALLS: the cycle of methods, such as "append,undo" or "append,push".
-- BENCH_TIMED: a method whose round trips are timed apart (push), or empty.
-- An answer that is not HTTP 200 or carries a JSON-RPC error is counted as an error: fast
-- errors would otherwise look like throughput. done() prints one "BENCH key=value ..." line.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local now = ffi.new("bench_timespec")

local function micros()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now)
  return tonumber(now.tv_sec) * 1000000 + tonumber(now.tv_nsec) / 1000
end

local PARAMS = {
  append = '{"text":"a segment of a benchmark draft"}',
  undo = '{}',
  preview = '{}',
  push = '{"force":true}',
}

-- Main state: which thread got which token.
local threads = {}
local tokens = nil

function setup(thread)
  if tokens == nil then
    tokens = {}
    for line in io.lines(os.getenv("BENCH_TOKENS")) do
      tokens[#tokens + 1] = line
    end
  end
  local index = #threads + 1
  if index > #tokens then
    error("more wrk threads than tokens in " .. os.getenv("BENCH_TOKENS"))
  end
  thread:set("token", tokens[index])
  threads[index] = thread
end

-- Thread state, read back by done() through thread:get.
errors = 0
timed_ok = 0
latencies = {}

local methods = {}
local requests = {}
local timed = ""
local step = 0
local current = nil
local sent_at = 0

function init(args)
  timed = os.getenv("BENCH_TIMED") or ""
  for method in string.gmatch(os.getenv("BENCH_CALLS"), "[^,]+") do
    methods[#methods + 1] = method
    local body = '{"jsonrpc":"2.0","id":' .. #methods .. ',"method":"' .. method .. '","params":' .. PARAMS[method] .. '}'
    requests[#requests + 1] = wrk.format("POST", "/rpc",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
  end
end

-- The cycle moves on in response(), not here: wrk calls request() once more than it sends
-- (to check the script), and a request lost to a reconnect is sent again.
function request()
  local next = step % #methods + 1
  current = methods[next]
  if current == timed then
    sent_at = micros()
  end
  return requests[next]
end

function response(status, headers, body)
  step = step % #methods + 1
  if status ~= 200 or string.find(body, '"error":{', 1, true) then
    if errors == 0 then
      io.stderr:write("first error answer of a connection (" .. current .. "): HTTP " .. status .. " " .. string.sub(body, 1, 300) .. "\n")
    end
    errors = errors + 1
  elseif current == timed then
    latencies[#latencies + 1] = micros() - sent_at
    timed_ok = timed_ok + 1
  end
end

function done(summary, latency, requests)
  local errs, ok, all = 0, 0, {}
  for _, thread in ipairs(threads) do
    errs = errs + thread:get("errors")
    ok = ok + thread:get("timed_ok")
    for _, v in ipairs(thread:get("latencies")) do
      all[#all + 1] = v
    end
  end
  table.sort(all)
  local function q(p)
    if #all == 0 then
      return 0
    end
    return all[math.min(#all, math.floor(p * #all) + 1)]
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d errors=%d socket_errors=%d timed=%d timed_p50_us=%.0f timed_p99_us=%.0f timed_max_us=%.0f p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, errs, e.connect + e.read + e.write + e.timeout, ok,
    q(0.50), q(0.99), #all > 0 and all[#all] or 0, latency:percentile(50), latency:percentile(99)))
end
