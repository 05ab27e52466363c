"""The Lua scripts of the shared queue and scope (one round trip each, atomic).

All times are Redis server time in milliseconds (``TIME``), so worker clocks never matter.
ARGV[1] is always the crawl's key prefix (see crawler.distributed.keys); the scripts
build key names from it, so they need a standalone Redis (or Sentinel), not Redis Cluster.
"""

from __future__ import annotations

NOW = """
local _t = redis.call('TIME')
local now = tonumber(_t[1]) * 1000 + math.floor(tonumber(_t[2]) / 1000)
"""

#: Re-queue one request id (its record says host and priority); used by requeue and reap.
_REQUEUE_FN = """
local function requeue(p, id, now)
  redis.call('ZREM', p .. ':leases', id)
  local rec = redis.call('HGET', p .. ':req', id)
  if not rec then return 0 end
  local nl = string.find(rec, '\\n', 1, true)
  local host = string.sub(rec, 1, nl - 1)
  local nl2 = string.find(rec, '\\n', nl + 1, true)
  local prio = tonumber(string.sub(rec, nl + 1, nl2 - 1))
  redis.call('ZREM', p .. ':slots:' .. host, id)
  redis.call('ZADD', p .. ':q:' .. host, -prio, id)
  local nxt = tonumber(redis.call('HGET', p .. ':hnext', host) or '0')
  redis.call('ZADD', p .. ':ready', 'LT', math.max(now, nxt), host)
  return 1
end
"""

# ARGV: prefix, then groups of 5: host, priority, payload, dupefilter key ('' = no check), member.
# Returns one 1 (queued) or 0 (duplicate) per request.
ENQUEUE = NOW + """
local p = ARGV[1]
local out = {}
local queued = 0
for i = 2, #ARGV, 5 do
  local host, prio, payload, dfkey = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  local new = 1
  if dfkey ~= '' then new = redis.call('SADD', dfkey, ARGV[i + 4]) end
  if new == 1 then
    local id = string.format('%013d', redis.call('INCR', p .. ':seq'))
    redis.call('HSET', p .. ':req', id, host .. '\\n' .. prio .. '\\n' .. payload)
    redis.call('ZADD', p .. ':q:' .. host, -tonumber(prio), id)
    local nxt = tonumber(redis.call('HGET', p .. ':hnext', host) or '0')
    redis.call('ZADD', p .. ':ready', 'NX', math.max(now, nxt), host)
    queued = queued + 1
  end
  out[#out + 1] = new
end
if queued > 0 then
  redis.call('HINCRBY', p .. ':stats', 'enqueued', queued)
  redis.call('SET', p .. ':state', 'running')
end
return out
"""

# ARGV: prefix, n, lease_ms, slot_ms, delay_ms, concurrency (0 = unlimited), worker.
# Leases up to n requests from hosts that may start one now. A host with a delay (the
# cluster's, or its own from RELEASE reports: robots.txt Crawl-delay, AutoThrottle) gets
# one request at a time and is held until that request's download ends. Returns
# {flat list of id, record, ..., ms until the next host is ready (-1: none queued)}.
LEASE = NOW + """
local p = ARGV[1]
local n = tonumber(ARGV[2])
local lease_ms, slot_ms = tonumber(ARGV[3]), tonumber(ARGV[4])
local delay, conc = tonumber(ARGV[5]), tonumber(ARGV[6])
local ready = p .. ':ready'
local out = {}
local taken = 0
local hosts = redis.call('ZRANGEBYSCORE', ready, '-inf', now, 'LIMIT', 0, n)
for _, host in ipairs(hosts) do
  if taken >= n then break end
  local q = p .. ':q:' .. host
  local slots = p .. ':slots:' .. host
  local hd = math.max(delay, tonumber(redis.call('HGET', p .. ':hdelay', host) or '0'))
  local busy = 0
  if conc > 0 or hd > 0 then
    redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
    busy = redis.call('ZCARD', slots)
  end
  local want = n - taken
  if hd > 0 then want = 1 end
  if conc > 0 then want = math.min(want, conc - busy) end
  local got = 0
  if want > 0 then
    local popped = redis.call('ZPOPMIN', q, want)
    for j = 1, #popped, 2 do
      local id = popped[j]
      local rec = redis.call('HGET', p .. ':req', id)
      if rec then
        redis.call('ZADD', p .. ':leases', now + lease_ms, id)
        if conc > 0 or hd > 0 then redis.call('ZADD', slots, now + slot_ms, id) end
        out[#out + 1] = id
        out[#out + 1] = rec
        got = got + 1
      end
    end
  end
  taken = taken + got
  busy = busy + got
  local at = now
  if hd > 0 and got > 0 then
    -- Held until this request's download ends (RELEASE), even when the host's queue is now
    -- empty: a request enqueued for it meanwhile must wait (ENQUEUE reads hnext).
    at = now + slot_ms
    redis.call('HSET', p .. ':hnext', host, at)
  end
  if redis.call('EXISTS', q) == 0 then
    redis.call('ZREM', ready, host)
  else
    if conc > 0 and busy >= conc then
      local first = redis.call('ZRANGE', slots, 0, 0, 'WITHSCORES')
      if first[2] then at = math.max(at, tonumber(first[2])) end
    end
    redis.call('ZADD', ready, at, host)
  end
end
if taken > 0 then redis.call('HINCRBY', p .. ':stats', 'leased', taken) end
redis.call('ZADD', p .. ':workers', now, ARGV[7])
local head = redis.call('ZRANGE', ready, 0, 0, 'WITHSCORES')
local wait = -1
if head[2] then wait = math.max(0, tonumber(head[2]) - now) end
return {out, wait}
"""

# ARGV: prefix, delay_ms, then groups of 5: host, id, started ('1'/'0'), ms since the
# request started (-1: unknown), the delay the worker's downloader keeps for the host (its
# robots.txt Crawl-delay or AutoThrottle delay; 0: none). The download ended (or never
# began): free the host's slot; with a delay, its next request may start delay after the
# start of this one (measured back from now, so never earlier than that).
RELEASE = NOW + """
local p = ARGV[1]
local delay = tonumber(ARGV[2])
for i = 3, #ARGV, 5 do
  local host, id, started = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local elapsed, own = tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  redis.call('ZREM', p .. ':slots:' .. host, id)
  if own > 0 then redis.call('HSET', p .. ':hdelay', host, own) end
  local hd = math.max(delay, own, tonumber(redis.call('HGET', p .. ':hdelay', host) or '0'))
  local nxt = tonumber(redis.call('HGET', p .. ':hnext', host) or '0')
  if hd > 0 then
    if started == '0' then nxt = now
    elseif elapsed >= 0 then nxt = now - elapsed + hd
    else nxt = now + hd end
    redis.call('HSET', p .. ':hnext', host, nxt)
    if redis.call('EXISTS', p .. ':q:' .. host) == 1 then
      redis.call('ZADD', p .. ':ready', math.max(now, nxt), host)
    end
  elseif redis.call('EXISTS', p .. ':q:' .. host) == 1 then
    redis.call('ZADD', p .. ':ready', 'LT', math.max(now, nxt), host)
  end
end
return 1
"""

# ARGV: prefix, ids...: these requests are finished (their results are stored).
ACK = """
local p = ARGV[1]
local done = 0
for i = 2, #ARGV do
  redis.call('ZREM', p .. ':leases', ARGV[i])
  done = done + redis.call('HDEL', p .. ':req', ARGV[i])
end
redis.call('HINCRBY', p .. ':stats', 'acked', done)
return done
"""

# ARGV: prefix, ids...: give these leased requests back to the queue.
REQUEUE = NOW + _REQUEUE_FN + """
local p = ARGV[1]
local n = 0
for i = 2, #ARGV do n = n + requeue(p, ARGV[i], now) end
redis.call('HINCRBY', p .. ':stats', 'requeued', n)
return n
"""

# ARGV: prefix, limit: re-queue requests whose lease expired (their worker stopped renewing).
REAP = NOW + _REQUEUE_FN + """
local p = ARGV[1]
local expired = redis.call('ZRANGEBYSCORE', p .. ':leases', '-inf', now, 'LIMIT', 0,
                           tonumber(ARGV[2]))
local n = 0
for _, id in ipairs(expired) do n = n + requeue(p, id, now) end
if n > 0 then redis.call('HINCRBY', p .. ':stats', 'reaped', n) end
return n
"""

# ARGV: prefix, lease_ms, worker, ids...: extend this worker's leases.
RENEW = NOW + """
local p = ARGV[1]
local at = now + tonumber(ARGV[2])
redis.call('ZADD', p .. ':workers', now, ARGV[3])
local n = 0
for i = 4, #ARGV, 500 do
  local args = {}
  for j = i, math.min(#ARGV, i + 499) do
    args[#args + 1] = at
    args[#args + 1] = ARGV[j]
  end
  n = n + redis.call('ZADD', p .. ':leases', 'XX', 'CH', unpack(args))
end
return n
"""


# Run first by every script that adds to P:pages (after `local p = ARGV[1]`): P:admitted is
# the total of P:pages, kept for `scrapy cluster`; a crawl started by a version that did not
# keep it gets it from the per-site counts once, before this script adds to either. (Workers
# of that older version, still running, add to P:pages only: upgrade them all.)
ADMITTED_TOTAL = """
if redis.call('EXISTS', p .. ':admitted') == 0 and redis.call('EXISTS', p .. ':pages') == 1 then
  local total = 0
  for _, v in ipairs(redis.call('HVALS', p .. ':pages')) do total = total + tonumber(v) end
  redis.call('SET', p .. ':admitted', total)
end
"""

# ARGV: prefix, from_site, hop, depth, max_pages, max_hops, depth_limit, replay key, replay
# ttl ms, max query variants per path (0: not counted), then groups of 7 per URL: its index
# in the page's link list, site, seen key, seen member, home seen key, home member ('' when
# the URL is a home page itself), the digest of the host and path its query variants count
# under ('' when it has no query).
# Returns {admissions, cuts, seen}: admissions as flat groups of 5 (URL index, 0 = the URL
# or 1 = its site's home page, hop, depth, new site 0/1); cuts as {depth, hops, site_cap,
# query_variants};
# seen: indexes of URLs already taken. A question asked before (same replay key) gets the
# stored admissions again.
ADMIT = """
local p = ARGV[1]
""" + ADMITTED_TOTAL + """local from_site, hop, depth = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local max_pages, max_hops, depth_limit = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local replay = ARGV[8]
if replay ~= '' then
  local stored = redis.call('GET', replay)
  if stored then return {cjson.decode(stored), {0, 0, 0, 0}, {}} end
end
local max_variants = tonumber(ARGV[10])
local hops_key, pages_key, variants_key = p .. ':hops', p .. ':pages', p .. ':variants'
local out = {}
local seen = {}
local cut_depth, cut_hops, cut_cap, cut_variants = 0, 0, 0, 0
local function take(seen_key, member, site, variant)
  if redis.call('SISMEMBER', seen_key, member) == 1 then return false end
  local pages = tonumber(redis.call('HGET', pages_key, site) or '0')
  if max_pages > 0 and pages >= max_pages then
    cut_cap = cut_cap + 1
    return false
  end
  redis.call('SADD', seen_key, member)
  redis.call('HINCRBY', pages_key, site, 1)
  redis.call('INCR', p .. ':admitted')
  if variant ~= '' and max_variants > 0 then
    -- a query variant counts once admitted
    redis.call('HINCRBY', variants_key, variant, 1)
  end
  return true
end
for i = 11, #ARGV, 7 do
  local index = tonumber(ARGV[i])
  local site, seen_key, member, variant = ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 6]
  if redis.call('SISMEMBER', seen_key, member) == 1 then
    seen[#seen + 1] = index
  elseif variant ~= '' and max_variants > 0
      and tonumber(redis.call('HGET', variants_key, variant) or '0') >= max_variants then
    cut_variants = cut_variants + 1
  elseif site == from_site then
    local nd = depth + 1
    if depth_limit > 0 and nd > depth_limit then
      cut_depth = cut_depth + 1
    elseif take(seen_key, member, site, variant) then
      for _, v in ipairs({index, 0, hop, nd, 0}) do out[#out + 1] = v end
    end
  else
    local known = redis.call('HGET', hops_key, site)
    if known then
      if take(seen_key, member, site, variant) then
        for _, v in ipairs({index, 0, tonumber(known), 0, 0}) do out[#out + 1] = v end
      end
    elseif hop + 1 > max_hops then
      cut_hops = cut_hops + 1
    else
      redis.call('HSET', hops_key, site, hop + 1)
      if take(seen_key, member, site, variant) then
        for _, v in ipairs({index, 0, hop + 1, 0, 1}) do out[#out + 1] = v end
        if ARGV[i + 4] ~= '' and take(ARGV[i + 4], ARGV[i + 5], site, '') then
          for _, v in ipairs({index, 1, hop + 1, 0, 0}) do out[#out + 1] = v end
        end
      end
    end
  end
end
if cut_depth + cut_hops + cut_cap + cut_variants > 0 then
  redis.call('HINCRBY', p .. ':cut', 'depth', cut_depth)
  redis.call('HINCRBY', p .. ':cut', 'hops', cut_hops)
  redis.call('HINCRBY', p .. ':cut', 'site_cap', cut_cap)
  redis.call('HINCRBY', p .. ':cut', 'query_variants', cut_variants)
end
if replay ~= '' and #out > 0 then
  redis.call('SET', replay, cjson.encode(out), 'PX', tonumber(ARGV[9]))
end
return {out, {cut_depth, cut_hops, cut_cap, cut_variants}, seen}
"""

# ARGV: prefix, site, seen key, member: a seed. Its site is at hop 0; the URL is admitted
# even if seen (the dupefilter has the last word), counted once.
SEED = """
local p = ARGV[1]
""" + ADMITTED_TOTAL + """redis.call('HSET', p .. ':hops', ARGV[2], 0)
if redis.call('SADD', ARGV[3], ARGV[4]) == 1 then
  redis.call('HINCRBY', p .. ':pages', ARGV[2], 1)
  redis.call('INCR', p .. ':admitted')
end
return 1
"""


# ARGV: prefix, site, seen key, member, replay key, replay ms: the target of an HTTP redirect
# (RedisCrawlScope.take_redirect). 1 if it was not asked for yet (now taken, its site's page
# count up), 0 if it was. The answer is kept under the replay key, so that a worker that runs
# the same redirect again (its lease replayed after a crash, before the followed request was
# queued) gets the same answer and still fetches the target.
TAKE_REDIRECT = """
local p = ARGV[1]
""" + ADMITTED_TOTAL + """local before = redis.call('GET', ARGV[5])
if before then return tonumber(before) end
local added = redis.call('SADD', ARGV[3], ARGV[4])
if added == 1 then
  redis.call('HINCRBY', p .. ':pages', ARGV[2], 1)
  redis.call('INCR', p .. ':admitted')
end
redis.call('SET', ARGV[5], added, 'PX', ARGV[6])
return added
"""
