-- wrk script of benchmarks/service_load.py: sends one request over and over for a window of
-- time, then sends nothing more, so the requests in flight finish inside wrk's duration and the
-- records the server stored can be matched exactly with the 2xx responses counted here.
--   wrk ... -s service_load.lua URL -- METHOD PATH BODY_FILE|- BEARER_KEY|- WINDOW_SECONDS [RATE]
-- RATE (requests a second for this wrk thread, default 0: as fast as answers come) paces the
-- thread's connections to that rate, so the latency at a given load can be read.
-- done() prints one line, "WRK_JSON {...}", with the counts and latency percentiles.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } wrk_timespec;
int clock_gettime(int clock_id, wrk_timespec *tp);
]]
local clock = ffi.new("wrk_timespec")
local function now()
    ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC, shared by every thread
    return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) * 1e-9
end

local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    local method, path, body_file, key = args[1], args[2], args[3], args[4]
    window = tonumber(args[5])
    local rate = tonumber(args[6] or "0")
    interval = rate > 0 and 1 / rate or 0
    local headers = {}
    local body = nil
    if body_file ~= "-" then
        local f = assert(io.open(body_file, "rb"))
        body = f:read("*a")
        f:close()
        headers["Content-Type"] = "application/json"
    end
    if key ~= "-" then
        headers["Authorization"] = "Bearer " .. key
    end
    prepared = wrk.format(method, path, headers, body)
    first, last, stop_at, next_slot = 0, 0, nil, 0
    sent, ok, non_2xx = 0, 0, 0
    statuses = ""
end

local function started()
    if stop_at == nil then
        first = now()
        stop_at = first + window
    end
end

function request()
    return prepared
end

-- Called before every request (wrk also calls request() once before the run to check it, so
-- requests are counted here): past the window, wait longer than the run lasts, which sends
-- nothing more while the requests already sent are answered.
function delay()
    started()
    local t = now()
    if t >= stop_at then
        return 3600 * 1000
    end
    sent = sent + 1
    local slot = math.max(next_slot, t)
    next_slot = slot + interval
    return (slot - t) * 1000
end

function response(status, headers, body)
    if status >= 200 and status < 300 then
        ok = ok + 1
        last = now()
    else
        non_2xx = non_2xx + 1
        if not string.find(statuses, tostring(status), 1, true) then
            statuses = statuses .. tostring(status) .. " "
        end
    end
end

function done(summary, latency, requests)
    local total_sent, total_ok, total_bad, earliest, latest, seen = 0, 0, 0, nil, 0, ""
    for _, thread in ipairs(threads) do
        total_sent = total_sent + thread:get("sent")
        total_ok = total_ok + thread:get("ok")
        total_bad = total_bad + thread:get("non_2xx")
        local first_sent = thread:get("first")
        if first_sent > 0 and (earliest == nil or first_sent < earliest) then
            earliest = first_sent
        end
        latest = math.max(latest, thread:get("last"))
        seen = seen .. thread:get("statuses")
    end
    -- A request sent and never answered is lost, whatever wrk's socket errors say: a read
    -- error is also how wrk counts an idle connection the server closed (keep-alive timeout).
    local errors = summary.errors
    io.write(string.format(
        'WRK_JSON {"requests": %d, "sent": %d, "ok": %d, "non_2xx": %d, "non_2xx_statuses": "%s", ' ..
        '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, ' ..
        '"seconds": %.6f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
        summary.requests, total_sent, total_ok, total_bad, seen,
        errors.connect, errors.read, errors.write, errors.timeout,
        earliest and (latest - earliest) or 0,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency.max / 1000))
end
