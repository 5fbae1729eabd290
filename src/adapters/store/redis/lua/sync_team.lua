-- Keeps one quiz's team figures where range_figures.lua reads them: one member of the group's team figures per
-- quiz, replaced whenever the push changes (its close, a late answer). Only a closed quiz counts; idempotent.
-- KEYS[1] push hash
-- KEYS[2] team figures: sorted set "<kind>|<day>|<lessons>|<expected>|<answered>|<correct>|<late>|<leave>" -> epoch day
-- ARGV[1] the push's epoch day
-- ARGV[2] "<kind>|<day>", the start of its member
local tag = ARGV[2] .. '|'
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], ARGV[1])) do
  if string.sub(m, 1, #tag) == tag then redis.call('ZREM', KEYS[2], m) end
end
local status, expected, answered, correct, late, leave = unpack(redis.call('HMGET', KEYS[1], 'status', 'expected', 'answered', 'correct', 'late', 'leave'))
if status ~= 'closed' then return 0 end
local n = function(v) return tonumber(v or '0') or 0 end
redis.call('ZADD', KEYS[2], ARGV[1], tag .. table.concat({1, n(expected), n(answered), n(correct), n(late), n(leave)}, '|'))
return 1
