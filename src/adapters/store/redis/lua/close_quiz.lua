-- Closes a quiz exactly once and freezes its figures. Returns 1 for the caller that closed it, else 0.
-- KEYS[1] push hash
-- KEYS[2] open quizzes sorted set
-- ARGV[1] "gid|day"
-- ARGV[2] now (ms)
-- ARGV[3] expected: room members other than the bot
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HGET', KEYS[1], 'status') ~= 'sent' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[2], 'expected', ARGV[3])
return 1
