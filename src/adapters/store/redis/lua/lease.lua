-- Takes or renews a named lease (one long connection per robot): free or already ours -> ours for ttl.
-- Returns 1 when this owner holds the lease now, else 0.
-- KEYS[1] lease key
-- ARGV[1] owner
-- ARGV[2] ttl (ms)
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
