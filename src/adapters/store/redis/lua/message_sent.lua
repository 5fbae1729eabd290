-- After one of a push's messages went out: the next one to send is the one after it. A restart, or
-- another instance that takes the push over, resumes there.
-- KEYS[1] push hash
-- ARGV[1] owner
-- ARGV[2] message index (0-based)
local h = redis.call('HMGET', KEYS[1], 'status', 'owner', 'next')
-- Not "next == index": a record lost while Redis was away must not stop the messages after it.
if h[1] ~= 'sending' or h[2] ~= ARGV[1] or tonumber(h[3]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'next', tonumber(ARGV[2]) + 1)
return 1
