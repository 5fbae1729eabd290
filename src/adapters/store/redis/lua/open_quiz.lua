-- Opens the quiz window of a push whose messages have all gone out.
-- (The caller adds it to the open-quizzes index first, so a crash in between never loses the close.)
-- KEYS[1] push hash
-- ARGV[1] owner
-- ARGV[2] sent at (ms)
-- ARGV[3] closes at (ms)
local h = redis.call('HMGET', KEYS[1], 'status', 'owner')
if h[1] ~= 'sending' or h[2] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[2], 'closesAt', ARGV[3])
return 1
