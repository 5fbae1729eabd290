-- Marks a claimed push as being sent. From here on it is never sent again, even after a crash.
-- Returns 1 when the caller owns the claim, 0 otherwise.
-- KEYS[1] push hash
-- KEYS[2] pending claims sorted set
-- ARGV[1] "gid|day"
-- ARGV[2] owner
if redis.call('HGET', KEYS[1], 'status') ~= 'claimed' then return 0 end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'sending')
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
