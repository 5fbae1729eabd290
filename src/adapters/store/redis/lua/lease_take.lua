-- Takes or renews a lease that only one instance may hold (one live connection per chat robot).
-- Free, or already held by this owner: (re)set with a fresh time to live. Held by another: no.
-- Returns 1 when this owner holds the lease now, else 0.
-- KEYS[1] lease key
-- ARGV[1] owner
-- ARGV[2] time to live (ms)
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
