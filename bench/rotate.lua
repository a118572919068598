-- wrk script for bench/serve.sh: sends the session cookie and rotates over
-- the paths listed in a file, one a line.
--
--   wrk ... -s bench/rotate.lua URL -- PATHS_FILE [COOKIE]
--
-- Each wrk thread starts at a different place in the list, so 64
-- connections ask for many different people, villages and pages at once.
-- done() prints one machine-readable line:
--   RESULT requests duration_us rps p50_us p90_us p99_us max_us errors non2xx3xx

local paths = {}
local cookie = nil
local i = 0
local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

function init(args)
   local file = args[1]
   cookie = args[2]
   for line in io.lines(file) do
      if line ~= "" then
         table.insert(paths, line)
      end
   end
   if #paths == 0 then
      error("no paths in " .. file)
   end
   -- Spread the threads over the list.
   i = ((id or 1) - 1) * math.floor(#paths / 2)
   if cookie ~= nil and cookie ~= "" then
      wrk.headers["Cookie"] = cookie
   end
end

function request()
   i = i + 1
   local path = paths[(i % #paths) + 1]
   return wrk.format("GET", path)
end

function done(summary, latency, requests)
   local e = summary.errors
   local errors = e.connect + e.read + e.write + e.timeout
   io.write(string.format(
      "RESULT %d %d %.1f %d %d %d %d %d %d\n",
      summary.requests,
      summary.duration,
      summary.requests / (summary.duration / 1e6),
      latency:percentile(50),
      latency:percentile(90),
      latency:percentile(99),
      latency.max,
      errors,
      e.status))
end
