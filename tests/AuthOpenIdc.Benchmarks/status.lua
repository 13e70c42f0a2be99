-- wrk script for the warm-up run of load.sh: counts responses by status, so a session that did not
-- authenticate (401, or a 302 to the OP, which wrk would count as a success) is caught before measuring.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  other = 0
  last = 0
end

function response(status, headers, body)
  if status == 200 then
    ok = ok + 1
  else
    other = other + 1
    last = status
  end
end

function done(summary, latency, requests)
  local o, x, l = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("ok")
    x = x + t:get("other")
    if t:get("last") ~= 0 then l = t:get("last") end
  end
  io.write(string.format("STATUS ok=%d other=%d last_other=%d\n", o, x, l))
end
