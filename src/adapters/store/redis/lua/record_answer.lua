-- Records one worker's first answer to one question and updates every figure that depends on it,
-- in one round trip: the answer record, participation, all-correct, late (补学), points, streak.
-- Every key is the group's (one cluster slot); the worker's groups index is added after it.
-- Returns {0} for a repeated answer (the first one counts), {-1} when the push was not sent, {-2} when
-- ARGV[14] names a day and this quiz is no longer where the group's typed answers go, else
-- {1, onTime (1|0), points earned, current streak}.
-- KEYS[1] push hash
-- KEYS[2] first answers: hash "wid:question" -> "choice|correct|onTime"
-- KEYS[3] on-time participants set
-- KEYS[4] all-correct participants: sorted set wid -> time of the answer that completed it
-- KEYS[5] late participants set
-- KEYS[6] answer records of this push (group, day and lesson are the push's): JSON
--         [wid, question, choice, correct 1/0, arrival ms, onTime 1/0], compact because there are millions
-- KEYS[7] member hash (this worker in this group)
-- KEYS[8] group points leaderboard: sorted set wid -> points
-- KEYS[9] group's missed questions of the push day's ISO week: sorted set "<hash>:<question>" -> wrong answers
-- KEYS[10] the group's points of the lesson's month: sorted set wid -> points (学习之星)
-- KEYS[11] the group's worker figures: hash wid -> cumulative entries, one per day the worker answered, in day
--          order; each 18 bytes, struct '>Hiiii': epoch day, lessons answered on time, lessons all right, points,
--          first answers. A range's figures are two entries' difference (range_figures.lua): no answer is read.
-- KEYS[12] the group's worker totals: hash wid -> the first entry's day (2 bytes) and the last entry (18 bytes),
--          so a range that holds a worker's whole history needs no history read
-- KEYS[13] group hash
-- KEYS[14] the push day's review hash (KEYS[1] itself for a review)
-- KEYS[15] the group's streaks: sorted set wid -> lastSeq * 2^20 + streak (mirrors the member hash)
-- ARGV[1] wid
-- ARGV[2] question index (0-based)
-- ARGV[3] choice letters
-- ARGV[4] "1" when correct
-- ARGV[5] arrival time (ms): on time is judged by when the answer arrived, not when it is written
-- ARGV[6] number of questions
-- ARGV[7] points for correct on time
-- ARGV[8] points for answered on time
-- ARGV[9] points for late
-- ARGV[10] answer record JSON without onTime (added here)
-- ARGV[11] worker display name
-- ARGV[12] "<snapshot hash>:<question>", counted in KEYS[9] when the answer is wrong
-- ARGV[13] seconds KEYS[9] is kept (the review reads four weeks back)
-- ARGV[14] the push day when the bot routed a typed answer here from its cache, else '': the group's
--          current day must still be it, and its review open exactly when this quiz is the review
-- ARGV[15] the push's month ("2026-12"): the member hash counts its lessons answered on time, joined:<month>
-- ARGV[16] the push's day as an epoch day (days since 1970-01-01)
-- A review quiz (push field review = 1) earns points but leaves the member's lesson counts, streak and
-- missed questions alone: it is not a lesson.
if ARGV[14] ~= '' then
  local reviewOpen = redis.call('HGET', KEYS[14], 'status') == 'sent'
  if redis.call('HGET', KEYS[13], 'current') ~= ARGV[14] or reviewOpen ~= (KEYS[1] == KEYS[14]) then return {-2} end
end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'sending' and status ~= 'sent' and status ~= 'closed' then return {-1} end
local now = tonumber(ARGV[5])
-- While the lesson is still going out ('sending') the window has not even started to run.
local closesAt = tonumber(redis.call('HGET', KEYS[1], 'closesAt') or '')
local onTime = status ~= 'closed' and (closesAt == nil or now < closesAt)
local flag = onTime and '1' or '0'
if redis.call('HSETNX', KEYS[2], ARGV[1] .. ':' .. ARGV[2], ARGV[3] .. '|' .. ARGV[4] .. '|' .. flag) == 0 then
  return {0}
end
local review = redis.call('HGET', KEYS[1], 'review') == '1'
if ARGV[4] ~= '1' and not review then
  redis.call('ZINCRBY', KEYS[9], 1, ARGV[12])
  redis.call('EXPIRE', KEYS[9], tonumber(ARGV[13]))
end
local record = cjson.decode(ARGV[10])
record[#record + 1] = onTime and 1 or 0
redis.call('RPUSH', KEYS[6], cjson.encode(record))

local points
local answeredNow, correctNow = 0, 0
if onTime then
  points = (ARGV[4] == '1') and tonumber(ARGV[7]) or tonumber(ARGV[8])
  if redis.call('SADD', KEYS[3], ARGV[1]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'answered', 1)
    if not review then
      redis.call('HINCRBY', KEYS[7], 'answered', 1)
      answeredNow = 1
      redis.call('HINCRBY', KEYS[7], 'joined:' .. ARGV[15], 1)
    end
  end
  local all = true
  for i = 0, tonumber(ARGV[6]) - 1 do
    local v = redis.call('HGET', KEYS[2], ARGV[1] .. ':' .. i)
    if not v or string.sub(v, -3) ~= '1|1' then all = false break end
  end
  if all and redis.call('ZADD', KEYS[4], 'NX', now, ARGV[1]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'correct', 1)
    if not review then
      redis.call('HINCRBY', KEYS[7], 'correct', 1)
      correctNow = 1
    end
  end
else
  points = tonumber(ARGV[9])
  if redis.call('SADD', KEYS[5], ARGV[1]) == 1 then
    redis.call('HINCRBY', KEYS[1], 'late', 1)
    if not review then redis.call('HINCRBY', KEYS[7], 'late', 1) end
  end
end

-- Streaks count consecutive pushes of the group, so rest days and holidays never break them.
local seq = tonumber(redis.call('HGET', KEYS[1], 'seq'))
local lastSeq = tonumber(redis.call('HGET', KEYS[7], 'lastSeq') or '0')
local streak = tonumber(redis.call('HGET', KEYS[7], 'streak') or '0')
if lastSeq ~= seq and not review then
  if lastSeq == seq - 1 then streak = streak + 1 else streak = 1 end
  redis.call('HSET', KEYS[7], 'lastSeq', seq, 'streak', streak)
  redis.call('ZADD', KEYS[15], seq * 1048576 + streak, ARGV[1])
  if streak > tonumber(redis.call('HGET', KEYS[7], 'bestStreak') or '0') then
    redis.call('HSET', KEYS[7], 'bestStreak', streak)
  end
end
redis.call('HINCRBY', KEYS[7], 'points', points)
redis.call('HSET', KEYS[7], 'name', ARGV[11], 'wid', ARGV[1])
redis.call('ZINCRBY', KEYS[8], points, ARGV[1])
redis.call('ZINCRBY', KEYS[10], points, ARGV[1])

-- The worker's figures entry for this day, created from the one before; an answer to an older quiz carries its
-- change into the later entries too.
local fmt, size, day = '>Hiiii', 18, tonumber(ARGV[16])
local entries = redis.call('HGET', KEYS[11], ARGV[1]) or ''
local count = #entries / size
local last = count
while last > 0 and struct.unpack('>H', entries, (last - 1) * size + 1) > day do last = last - 1 end
local base = {0, 0, 0, 0}
local keep = last
if last > 0 then
  local d, a, c, p, f = struct.unpack(fmt, entries, (last - 1) * size + 1)
  base = {a, c, p, f}
  if d == day then keep = last - 1 end
end
local parts = {string.sub(entries, 1, keep * size), struct.pack(fmt, day, base[1] + answeredNow, base[2] + correctNow, base[3] + points, base[4] + 1)}
for j = last + 1, count do
  local d, a, c, p, f = struct.unpack(fmt, entries, (j - 1) * size + 1)
  parts[#parts + 1] = struct.pack(fmt, d, a + answeredNow, c + correctNow, p + points, f + 1)
end
local all = table.concat(parts)
redis.call('HSET', KEYS[11], ARGV[1], all)
redis.call('HSET', KEYS[12], ARGV[1], string.sub(all, 1, 2) .. string.sub(all, -size))
return {1, onTime and 1 or 0, points, streak}
