-- Records that (group, day) was not pushed, so it is logged once, never sent late by the scheduler,
-- and shown as skipped (a leader's manual push may still send it).
-- Returns 1 the first time, 0 when the day already has a push or a skip.
-- KEYS[1] push hash
-- KEYS[2] group's pushes: sorted set day -> seq (0 for a skipped day)
-- ARGV[1] now (ms)
-- ARGV[2] reason
-- ARGV[3] day
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'skipped', 'claimedAt', ARGV[1], 'reason', ARGV[2], 'seq', 0,
  'answered', 0, 'correct', 0, 'late', 0, 'owner', '', 'lessonId', '', 'lessonHash', '', 'next', 0)
redis.call('ZADD', KEYS[2], 0, ARGV[3])
return 1
