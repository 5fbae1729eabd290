-- Decides whether an open quiz is due a short "已有 N 人作答": at most once per interval, and only when
-- answers came in since the last one. Returns the number answered when due (and records it), else 0.
-- KEYS[1] push hash
-- ARGV[1] now (ms)
-- ARGV[2] interval (ms)
local h = redis.call('HMGET', KEYS[1], 'status', 'answered', 'ackCount', 'ackAt', 'sentAt')
if h[1] ~= 'sent' then return 0 end
local answered = tonumber(h[2] or '0')
local last = tonumber(h[4] or h[5] or '0')
if answered <= tonumber(h[3] or '0') or tonumber(ARGV[1]) - last < tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'ackAt', ARGV[1], 'ackCount', answered)
return answered
