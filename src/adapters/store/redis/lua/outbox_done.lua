-- Marks an outbox item delivered: off the queue, remembered for 30 days so it is never added again.
-- KEYS[1] items hash
-- KEYS[2] queue sorted set
-- KEYS[3] delivered ids sorted set
-- ARGV[1] id
-- ARGV[2] now (ms)
redis.call('HDEL', KEYS[1], ARGV[1], 'L:' .. ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[2]) - 30 * 86400000)
return 1
