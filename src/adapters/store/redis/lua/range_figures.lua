-- A group's figures over a range of days, from what the write path keeps: each worker's cumulative entries
-- (record_answer.lua) and one member per closed quiz (sync_team.lua). Reads no answer and writes nothing.
-- Returns {workers, team, topic, binding}: workers as "wid,answered,correct,points" joined by ';', for those with a first answer
-- in the range, or only how many they are (ARGV[3] '0': a district's page needs every group's count and
-- 30 groups' rows); team as "lessons,expected,answered,correct,late,leave,reviews,reviewAnswered,reviewCorrect";
-- the group's name and org binding, so a district's report reads each group once (no topic: no such group).
-- KEYS[1] worker figures hash (wid -> 18-byte entries '>Hiiii': epoch day, answered, correct, points, first answers)
-- KEYS[2] team figures sorted set
-- KEYS[3] worker totals hash (wid -> first entry's day, 2 bytes, and the last entry)
-- KEYS[4] team totals hash ("<kind>:<1..6>" -> sums over every quiz, sync_team.lua)
-- KEYS[5] group hash (status, topic, team)
-- ARGV[1] first epoch day
-- ARGV[2] last epoch day
-- ARGV[3] '1' to list the workers, '0' to count them
local first, last = tonumber(ARGV[1]), tonumber(ARGV[2])
local list = ARGV[3] == '1'
local size = 18
-- The epoch day of entry i, read as two bytes (cheaper than struct.unpack).
local function dayOf(entries, i)
  local hi, lo = string.byte(entries, (i - 1) * size + 1, (i - 1) * size + 2)
  return hi * 256 + lo
end
-- The cumulative values of the last entry on or before `day` (entries are in day order): the last entry and
-- "none" are checked first, as a range usually ends after a worker's last answer or starts before the first.
local function upTo(entries, day)
  local n = #entries / size
  local found = 0
  if n == 0 or dayOf(entries, 1) > day then return 0, 0, 0, 0 end
  if dayOf(entries, n) <= day then
    found = n
  else
    local lo, hi = 1, n
    while lo <= hi do
      local mid = math.floor((lo + hi) / 2)
      if dayOf(entries, mid) <= day then found, lo = mid, mid + 1 else hi = mid - 1 end
    end
  end
  local _, a, c, p, f = struct.unpack('>Hiiii', entries, (found - 1) * size + 1)
  return a, c, p, f
end
local workers, count = {}, 0
local function add(wid, a, c, p)
  count = count + 1
  -- One format call rather than a chain of '..' (each makes an interned string).
  if list then workers[count] = string.format('%s,%d,%d,%d', wid, a, c, p) end
end
local totals = redis.call('HGETALL', KEYS[3])
for i = 1, #totals, 2 do
  local t = totals[i + 1]
  local b1, b2, b3, b4 = string.byte(t, 1, 4)
  local firstDay, lastDay = b1 * 256 + b2, b3 * 256 + b4
  -- Nothing in the range, the whole history in it (every entry holds a first answer: the last entry is the
  -- figures, and a count needs no unpacking), or else the history's two entries.
  if firstDay <= last and lastDay >= first then
    if firstDay >= first and lastDay <= last then
      if list then
        local _, a, c, p = struct.unpack('>Hiii', t, 3)
        add(totals[i], a, c, p)
      else
        add()
      end
    else
      local entries = redis.call('HGET', KEYS[1], totals[i])
      local a1, c1, p1, f1 = upTo(entries, last)
      local a0, c0, p0, f0 = upTo(entries, first - 1)
      if f1 > f0 then add(totals[i], a1 - a0, c1 - c0, p1 - p0) end
    end
  end
end
local team = {0, 0, 0, 0, 0, 0, 0, 0, 0}
local quizzes = redis.call('ZCARD', KEYS[2])
if quizzes > 0 and redis.call('ZCOUNT', KEYS[2], first, last) == quizzes then
  -- Every quiz is in the range: the totals are its figures.
  local t = redis.call('HMGET', KEYS[4], 'lesson:1', 'lesson:2', 'lesson:3', 'lesson:4', 'lesson:5', 'lesson:6', 'review:1', 'review:3', 'review:4')
  for j = 1, 9 do team[j] = tonumber(t[j] or '0') end
else
  for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], first, last)) do
    local kind, l, e, a, c, late, leave = string.match(m, '^(%a+)|[^|]*|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)|(%d+)$')
    if kind == 'review' then
      team[7], team[8], team[9] = team[7] + l, team[8] + a, team[9] + c
    else
      team[1], team[2], team[3], team[4], team[5], team[6] = team[1] + l, team[2] + e, team[3] + a, team[4] + c, team[5] + late, team[6] + leave
    end
  end
end
local group = redis.call('HMGET', KEYS[5], 'status', 'topic', 'team')
return {list and table.concat(workers, ';') or count, table.concat(team, ','), group[1] and group[2] or false, group[3] or ''}
