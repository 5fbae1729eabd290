-- Opens the quiz window of a push that has been sent.
-- KEYS[1] push hash
-- KEYS[2] open quizzes: sorted set "gid|day" -> closes at
-- ARGV[1] "gid|day"
-- ARGV[2] sent at (ms)
-- ARGV[3] closes at (ms)
if redis.call('HGET', KEYS[1], 'status') ~= 'sending' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[2], 'closesAt', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
