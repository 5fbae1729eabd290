-- Records that (group, day) was not pushed, so it is logged once and never sent late.
-- Returns 1 the first time, 0 when the day already has a push or a skip.
-- KEYS[1] push hash
-- ARGV[1] now (ms)
-- ARGV[2] reason
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'status', 'skipped', 'claimedAt', ARGV[1], 'reason', ARGV[2], 'seq', 0,
  'answered', 0, 'correct', 0, 'late', 0, 'owner', '', 'lessonId', '')
return 1
