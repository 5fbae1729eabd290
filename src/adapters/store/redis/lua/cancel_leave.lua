-- Takes one worker's leave (销假) off some of a group's days; a day nobody is on leave any more leaves
-- the index. Returns the days the worker was on leave, now cancelled.
-- KEYS[1] the group's leave-days index (sorted set of days)
-- KEYS[2..] the group's leave hash of each day (wid -> reason), in the order of ARGV[2..]
-- ARGV[1] wid
-- ARGV[2..] the days (YYYY-MM-DD)
local cancelled = {}
for i = 2, #KEYS do
  if redis.call('HDEL', KEYS[i], ARGV[1]) == 1 then cancelled[#cancelled + 1] = ARGV[i] end
  if redis.call('HLEN', KEYS[i]) == 0 then redis.call('ZREM', KEYS[1], ARGV[i]) end
end
return cancelled
