-- A group's figures over a range of days, from what the write path keeps: each worker's cumulative entries
-- (record_answer.lua) and one member per closed quiz (sync_team.lua). Reads no answer and writes nothing.
-- Returns {workers, team}: workers as "wid,answered,correct,points" joined by ';', for those with a first answer
-- in the range; team as "lessons,expected,answered,correct,late,leave,reviews,reviewAnswered,reviewCorrect".
-- KEYS[1] worker figures hash (wid -> 18-byte entries '>Hiiii': epoch day, answered, correct, points, first answers)
-- KEYS[2] team figures sorted set
-- ARGV[1] first epoch day
-- ARGV[2] last epoch day
local first, last = tonumber(ARGV[1]), tonumber(ARGV[2])
local size = 18
-- The cumulative values of the last entry on or before `day` (binary search: entries are in day order).
local function upTo(entries, day)
  local lo, hi, found = 1, #entries / size, 0
  while lo <= hi do
    local mid = math.floor((lo + hi) / 2)
    if struct.unpack('>H', entries, (mid - 1) * size + 1) <= day then
      found, lo = mid, mid + 1
    else
      hi = mid - 1
    end
  end
  if found == 0 then return 0, 0, 0, 0 end
  local _, a, c, p, f = struct.unpack('>Hiiii', entries, (found - 1) * size + 1)
  return a, c, p, f
end
local workers = {}
local h = redis.call('HGETALL', KEYS[1])
for i = 1, #h, 2 do
  local a1, c1, p1, f1 = upTo(h[i + 1], last)
  local a0, c0, p0, f0 = upTo(h[i + 1], first - 1)
  if f1 > f0 then workers[#workers + 1] = h[i] .. ',' .. (a1 - a0) .. ',' .. (c1 - c0) .. ',' .. (p1 - p0) end
end
local team = {0, 0, 0, 0, 0, 0, 0, 0, 0}
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], first, last)) do
  local v = {}
  for x in string.gmatch(m, '[^|]+') do v[#v + 1] = x end
  if v[1] == 'review' then
    team[7], team[8], team[9] = team[7] + v[3], team[8] + v[5], team[9] + v[6]
  else
    for j = 1, 6 do team[j] = team[j] + v[j + 2] end
  end
end
return {table.concat(workers, ';'), table.concat(team, ',')}
