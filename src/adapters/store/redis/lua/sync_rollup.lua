-- Brings the org rollups in line with one push: takes back what the push last contributed from the
-- nodes it was counted under, and adds what it contributes now under the nodes it belongs to now.
-- Called when a quiz closes, after a late answer, and when a group is bound to another org node,
-- so every figure the dashboard reads is a sum kept up to date by the write path.
-- A push contributes only once closed: lessons 1, expected, answered, correct, late, the same per
-- lesson snapshot ("L:<snapshot hash>:<figure>"), and how often each option was chosen on time
-- ("L:<hash>:q<i>:<letter>"), so an edited lesson never mixes the option counts of two versions.
-- Returns 1, or -1 when the push's nodes changed since the caller read them (read again and retry).
-- KEYS[1] push hash
-- KEYS[2] first answers hash ("wid:question" -> "choice|correct|onTime")
-- KEYS[3..] rollup hashes of the nodes last counted under (ARGV[2] of them), then of the nodes now
-- ARGV[1] the push's node list as the caller read it ('' for none)
-- ARGV[2] how many of KEYS[3..] are the old nodes
-- ARGV[3] the node list now (stored for the next call)
local stored = redis.call('HGET', KEYS[1], 'rolledTo') or ''
if stored ~= ARGV[1] then return -1 end
local old = cjson.decode(redis.call('HGET', KEYS[1], 'applied') or '{}')
local new = {}
local push = redis.call('HGETALL', KEYS[1])
local h = {}
for i = 1, #push, 2 do h[push[i]] = push[i + 1] end
if h['status'] == 'closed' then
  local lesson = 'L:' .. h['lessonHash'] .. ':'
  for _, f in ipairs({'expected', 'answered', 'correct', 'late'}) do
    local v = tonumber(h[f] or '0')
    new[f] = v
    new[lesson .. f] = v
  end
  new['lessons'] = 1
  new[lesson .. 'lessons'] = 1
  local firsts = redis.call('HGETALL', KEYS[2])
  for i = 1, #firsts, 2 do
    local q = string.match(firsts[i], ':(%d+)$')
    local choice, onTime = string.match(firsts[i + 1], '^(%u+)|%d|(%d)$')
    if onTime == '1' then
      for letter in string.gmatch(choice, '%u') do
        local f = lesson .. 'q' .. q .. ':' .. letter
        new[f] = (new[f] or 0) + 1
      end
    end
  end
end
-- Zeros are skipped: "-0" is not an integer to HINCRBY, and an error midway would leave half the changes.
local oldCount = tonumber(ARGV[2])
for i = 3, 2 + oldCount do
  for f, v in pairs(old) do
    if v ~= 0 then redis.call('HINCRBY', KEYS[i], f, -v) end
  end
end
for i = 3 + oldCount, #KEYS do
  for f, v in pairs(new) do
    if v ~= 0 then redis.call('HINCRBY', KEYS[i], f, v) end
  end
end
redis.call('HSET', KEYS[1], 'rolledTo', ARGV[3], 'applied', cjson.encode(new))
return 1
