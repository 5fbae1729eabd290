-- Claims (group, day) before anything is sent, and advances the group's course in the same step.
-- Returns the push's seq, 0 when (group, day) is already claimed, -1 when the course moved meanwhile.
-- KEYS[1] push hash
-- KEYS[2] group hash
-- KEYS[3] group's pushes: sorted set day -> seq
-- KEYS[4] pending claims: sorted set "gid|day" -> claimed at
-- ARGV[1] "gid|day"
-- ARGV[2] day
-- ARGV[3] lesson id
-- ARGV[4] lesson file name
-- ARGV[5] lastFile the caller saw ("" for none)
-- ARGV[6] now (ms)
-- ARGV[7] owner (instance id)
-- ARGV[8] reason (schedule | manual | catch-up)
-- ARGV[9] the group's course cursor field ("lastFile:<track>"), so switching tracks resumes each where it was
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local last = redis.call('HGET', KEYS[2], ARGV[9]) or ''
if last ~= ARGV[5] then return -1 end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('HSET', KEYS[1], 'lessonId', ARGV[3], 'seq', seq, 'status', 'claimed', 'claimedAt', ARGV[6],
  'owner', ARGV[7], 'reason', ARGV[8], 'answered', 0, 'correct', 0, 'late', 0)
redis.call('HSET', KEYS[2], ARGV[9], ARGV[4], 'current', ARGV[2])
redis.call('ZADD', KEYS[3], seq, ARGV[2])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
return seq
