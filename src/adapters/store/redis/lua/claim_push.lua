-- Claims (group, day) before anything is sent: stores the messages to send and the lesson snapshot's
-- hash, advances the group's course and records the lesson in its history, all in one step.
-- Returns the push's seq, 0 when (group, day) is already claimed, -1 when the group's course moved on
-- meanwhile (another day's push took the lesson, or the lesson count the header shows): read again, retry.
-- KEYS[1] push hash
-- KEYS[2] group hash
-- KEYS[3] group's pushes: sorted set day -> seq (0 for a skipped day)
-- KEYS[4] group's history: hash lesson id -> day of its latest push
-- ARGV[1] day
-- ARGV[2] lesson id
-- ARGV[3] lesson snapshot hash
-- ARGV[4] now (ms)
-- ARGV[5] owner (instance id)
-- ARGV[6] reason (schedule | manual | catch-up); only 'manual' may take over a skipped day
-- ARGV[7] messages to send, JSON
-- ARGV[8] target, JSON
-- ARGV[9] '1' when this push starts a new round of the course
-- ARGV[10] course id (plan or track)
-- ARGV[11] '1' when this push sends the round's last unsent lesson
-- ARGV[12] the seq the messages were rendered with ("第 N 课")
-- ARGV[13] day since which the lesson must not have been had ('' = the course's current round)
local status = redis.call('HGET', KEYS[1], 'status')
if status and not (status == 'skipped' and ARGV[6] == 'manual') then return 0 end
if tonumber(redis.call('HGET', KEYS[2], 'seq') or '0') + 1 ~= tonumber(ARGV[12]) then return -1 end
local cycleField = 'cycle:' .. ARGV[10]
if ARGV[9] == '1' then
  redis.call('HSET', KEYS[2], cycleField, ARGV[1])
  redis.call('HINCRBY', KEYS[2], 'rounds:' .. ARGV[10], 1)
else
  local had = redis.call('HGET', KEYS[4], ARGV[2])
  local since = ARGV[13]
  if since == '' then since = redis.call('HGET', KEYS[2], cycleField) or '' end
  if had and had >= since then return -1 end
end
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'lessonId', ARGV[2], 'lessonHash', ARGV[3], 'seq', seq, 'status', 'claimed',
  'claimedAt', ARGV[4], 'owner', ARGV[5], 'reason', ARGV[6], 'answered', 0, 'correct', 0, 'late', 0,
  'messages', ARGV[7], 'target', ARGV[8], 'next', 0, 'completesRound', ARGV[11])
if ARGV[1] > (redis.call('HGET', KEYS[2], 'current') or '') then redis.call('HSET', KEYS[2], 'current', ARGV[1]) end
redis.call('HSET', KEYS[4], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], seq, ARGV[1])
return seq
