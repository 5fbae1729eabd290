-- Spends one of a group's engagement messages for a day, if any are left. The counter lives two days, so
-- a day's budget is never reset by a message that arrives just after midnight.
-- Returns 1 when spent, 0 when the day's cap is reached.
-- KEYS[1] the group's budget counter for the day
-- ARGV[1] cap (messages per group per day)
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 172800)
return 1
