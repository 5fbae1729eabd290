-- Puts one worker on leave (请假) for some of a group's days, with the reason, in one step.
-- Returns the number of days given.
-- KEYS[1] the group's leave-days index (sorted set of days)
-- KEYS[2..] the group's leave hash of each day (wid -> reason), in the order of ARGV[3..]
-- ARGV[1] wid
-- ARGV[2] reason ('' for none)
-- ARGV[3..] the days (YYYY-MM-DD)
for i = 2, #KEYS do
  redis.call('HSET', KEYS[i], ARGV[1], ARGV[2])
  redis.call('ZADD', KEYS[1], 0, ARGV[i + 1])
end
return #KEYS - 1
