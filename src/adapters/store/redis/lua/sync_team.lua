-- Keeps one quiz's team figures where range_figures.lua reads them: one member of the group's team figures per
-- quiz, replaced whenever the push changes (its close, a late answer). Only a closed quiz counts; idempotent.
-- KEYS[1] push hash
-- KEYS[2] team figures: sorted set "<kind>|<day>|<lessons>|<expected>|<answered>|<correct>|<late>|<leave>" -> epoch day
-- KEYS[3] team totals: hash "<kind>:<1..6>" -> the sum of those figures over all members, for ranges that hold them all
-- ARGV[1] the push's epoch day
-- ARGV[2] "<kind>|<day>", the start of its member
local tag = ARGV[2] .. '|'
local kind = string.match(ARGV[2], '^(%a+)')
local function count(member, sign)
  local i = 0
  for v in string.gmatch(string.sub(member, #tag + 1), '%d+') do
    i = i + 1
    if v ~= '0' then redis.call('HINCRBY', KEYS[3], kind .. ':' .. i, sign * tonumber(v)) end
  end
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], ARGV[1])) do
  if string.sub(m, 1, #tag) == tag then
    redis.call('ZREM', KEYS[2], m)
    count(m, -1)
  end
end
local status, expected, answered, correct, late, leave = unpack(redis.call('HMGET', KEYS[1], 'status', 'expected', 'answered', 'correct', 'late', 'leave'))
if status ~= 'closed' then return 0 end
local n = function(v) return tonumber(v or '0') or 0 end
local member = tag .. table.concat({1, n(expected), n(answered), n(correct), n(late), n(leave)}, '|')
redis.call('ZADD', KEYS[2], ARGV[1], member)
count(member, 1)
return 1
