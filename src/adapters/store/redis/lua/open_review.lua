-- Opens a group's weekly review (周复习) as a quiz of its own, already sent: its message goes out through
-- the outbox right after. Returns 1 when opened, 0 when (group, day) already has its review.
-- KEYS[1] review push hash
-- KEYS[2] group's reviews: sorted set day -> 0
-- ARGV[1] day
-- ARGV[2] review snapshot id
-- ARGV[3] review snapshot hash
-- ARGV[4] now (ms)
-- ARGV[5] closes at (ms)
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'lessonId', ARGV[2], 'lessonHash', ARGV[3], 'seq', 0, 'status', 'sent', 'review', 1,
  'claimedAt', ARGV[4], 'sentAt', ARGV[4], 'closesAt', ARGV[5], 'owner', '', 'reason', 'review',
  'answered', 0, 'correct', 0, 'late', 0, 'next', 0, 'completesRound', 0)
redis.call('ZADD', KEYS[2], 0, ARGV[1])
return 1
