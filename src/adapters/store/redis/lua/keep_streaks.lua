-- After a quiz closed: a worker on leave that day who did not answer keeps the streak they had, so the
-- next answer continues it. It is neither reset nor lengthened: lastSeq moves to this push, the streak
-- stays. Only a streak alive up to the previous push is kept; idempotent (run again, nothing changes).
-- Returns how many streaks were kept.
-- KEYS[1] push hash
-- KEYS[2] on-time participants set of the push
-- KEYS[3] late participants set of the push
-- KEYS[4] the group's streaks: sorted set wid -> lastSeq * 2^20 + streak (mirrors the member hashes)
-- KEYS[5..] member hashes of the workers on leave, in the order of ARGV[1..]
-- ARGV[1..] their wids
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
local kept = 0
for i = 5, #KEYS do
  local wid = ARGV[i - 4]
  local lastSeq = tonumber(redis.call('HGET', KEYS[i], 'lastSeq') or '-1')
  local answered = redis.call('SISMEMBER', KEYS[2], wid) == 1 or redis.call('SISMEMBER', KEYS[3], wid) == 1
  if not answered and lastSeq == seq - 1 then
    redis.call('HSET', KEYS[i], 'lastSeq', seq)
    redis.call('ZADD', KEYS[4], seq * 1048576 + tonumber(redis.call('HGET', KEYS[i], 'streak') or '0'), wid)
    kept = kept + 1
  end
end
return kept
