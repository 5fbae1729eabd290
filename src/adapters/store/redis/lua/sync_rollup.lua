-- Step 1 of bringing the org rollups in line with one push (the push's own slot). Works out what the
-- push contributes now and, per org node, what must change: take back what it last contributed from the
-- nodes it was counted under, add what it contributes now under the nodes it belongs to now. The rollup
-- hashes live in other slots, so the caller applies each node's change with apply_rollup.lua (step 2),
-- then calls this again with the change's version, which commits it.
-- Called when a quiz closes, after a late answer, and when a group is bound to another org node,
-- so every figure the dashboard reads is a sum kept up to date by the write path.
-- A push contributes only once closed: lessons 1, expected, answered, correct, late, the same per
-- lesson snapshot ("L:<snapshot hash>:<figure>"), and how often each option was chosen on time
-- ("L:<hash>:q<i>:<letter>"), so an edited lesson never mixes the option counts of two versions.
-- A change not committed (a crash in step 2) is returned again, unchanged, until it is: step 2 is
-- idempotent per node and version, so repeating it is safe.
-- Returns '' when the rollups are in line, else JSON {ver, deltas: {node: {field: change}}}.
-- KEYS[1] push hash
-- KEYS[2] first answers hash ("wid:question" -> "choice|correct|onTime")
-- ARGV[1] the push's node ids now, comma-separated ('' for none)
-- ARGV[2] the version the caller has just applied to every node (0 for none)
local pendingJson = redis.call('HGET', KEYS[1], 'rollPending')
if pendingJson then
  local pending = cjson.decode(pendingJson)
  if tostring(pending['ver']) ~= ARGV[2] then return pendingJson end
  redis.call('HSET', KEYS[1], 'rolledTo', pending['to'], 'applied', pending['applied'])
  redis.call('HDEL', KEYS[1], 'rollPending')
end
local h = {}
local push = redis.call('HGETALL', KEYS[1])
for i = 1, #push, 2 do h[push[i]] = push[i + 1] end
local new = {}
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
local old = cjson.decode(h['applied'] or '{}')
local function nodeSet(list)
  local s = {}
  for n in string.gmatch(list, '[^,]+') do s[n] = true end
  return s
end
local oldNodes, newNodes = nodeSet(h['rolledTo'] or ''), nodeSet(ARGV[1])
local deltas, any = {}, false
local function change(node)
  if deltas[node] then return end
  local d, some = {}, false
  local before = oldNodes[node] and old or {}
  local after = newNodes[node] and new or {}
  for f, v in pairs(after) do
    local x = v - (before[f] or 0)
    if x ~= 0 then d[f] = x; some = true end
  end
  for f, v in pairs(before) do
    if after[f] == nil and v ~= 0 then d[f] = -v; some = true end
  end
  if some then deltas[node] = d; any = true end
end
for n in pairs(oldNodes) do change(n) end
for n in pairs(newNodes) do change(n) end
if not any then
  -- Nothing to add anywhere; still remember the node list, so a later change starts from it.
  if (h['rolledTo'] or '') ~= ARGV[1] then redis.call('HSET', KEYS[1], 'rolledTo', ARGV[1]) end
  return ''
end
local pending = cjson.encode({ver = redis.call('HINCRBY', KEYS[1], 'rollVer', 1), deltas = deltas, to = ARGV[1], applied = cjson.encode(new)})
redis.call('HSET', KEYS[1], 'rollPending', pending)
return pending
