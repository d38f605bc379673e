-- wrk script of the end-to-end bench (bench/gateway.ts): POSTs a JSON body, in absolute form
-- ("POST http://sink.bench.example:PORT/ingest HTTP/1.1") when a target URL is given, which is
-- what a client configured with HTTP_PROXY sends to a forward proxy.
--
--   wrk -t1 -c8 -d5s --latency -s bench/wrk-post.lua http://127.0.0.1:PROXY -- BODY TARGET [ALT_BODY EVERY]
--
-- BODY, ALT_BODY: files; TARGET: the request target ("/ingest" to hit the sink directly);
-- every EVERY-th request (per connection thread) carries ALT_BODY instead (the redaction mix).
-- At the end one JSON line with the figures goes to stdout (latencies in microseconds).

local main_req, alt_req
local every = 0
local n = 0

local function slurp(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local function build(body, target)
  local headers = { ["Content-Type"] = "application/json" }
  local host = target:match("^https?://([^/]+)")
  if host then headers["Host"] = host end
  return wrk.format("POST", target, headers, body)
end

function init(args)
  local target = args[2]
  main_req = build(slurp(args[1]), target)
  if args[3] ~= nil and args[3] ~= "" then
    alt_req = build(slurp(args[3]), target)
    every = tonumber(args[4]) or 10
  end
end

function request()
  n = n + 1
  if alt_req ~= nil and n % every == 0 then return alt_req end
  return main_req
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"durationUs":%d,"bytes":%d,"connectErrors":%d,"readErrors":%d,"writeErrors":%d,"statusErrors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,"meanUs":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
