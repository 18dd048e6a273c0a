-- The latency half of the HTTP benchmark with Debian's wrk (a C client: its own pauses do not
-- land in the figures, as a Node client's collections do). Each connection waits a random time
-- (uniform, mean PACED_MEAN_MS) before each request, so requests arrive at random moments at about
-- connections × 1000 / mean per second: an open load, not a closed loop at full speed. wrk times
-- each request from its write.
-- PACED_MEAN_MS=0: no wait, each connection sends its next request as soon as its answer is in (a
-- closed loop at full speed: the throughput half, beside autocannon).
-- PACED_REQUESTS names a file: the caller's token on the first line, then "appKey token" lines
-- (read from a file: tokens never go on a command line). PACED_OUT: where the latencies go.
local mean = tonumber(os.getenv("PACED_MEAN_MS")) or 0
local requests = {}

local index = 0

-- Built in init: wrk sets the Host header (wrk.headers) after it loads the script.
function init()
	local file = assert(io.open(os.getenv("PACED_REQUESTS"), "r"))
	local caller = file:read("*l")
	for line in file:lines() do
		local appKey, token = line:match("^(%S+) (%S+)$")
		local body = '{"token":"' .. token .. '","appKey":"' .. appKey .. '"}'
		requests[#requests + 1] = wrk.format("POST", "/v1/verify", {
			["Authorization"] = "Bearer " .. caller,
			["Content-Type"] = "application/json",
		}, body)
	end
	file:close()
	math.randomseed(os.time())
	index = math.random(#requests)
end

function request()
	index = index % #requests + 1
	return requests[index]
end

if mean > 0 then
	function delay()
		return math.floor(math.random() * 2 * mean + 0.5)
	end
end

function done(summary, latency)
	local out = assert(io.open(os.getenv("PACED_OUT"), "w"))
	out:write(string.format('{"requests":%d,"seconds":%f,"errors":%d,"status":%d,"p50":%f,"p99":%f,"max":%f}\n',
		summary.requests, summary.duration / 1e6,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
		summary.errors.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
	out:close()
end
