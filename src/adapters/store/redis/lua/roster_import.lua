-- Replaces one account's imported roster in one step: readers see the old roster or the new one, never half.
-- KEYS[1] people: hash user id -> JSON {name, team}
-- KEYS[2] teams: hash org path -> JSON array of user ids
-- ARGV[1] number of people n
-- ARGV[2 .. 2n+1] user id, JSON pairs
-- ARGV[2n+2 ..] org path, JSON pairs
redis.call('DEL', KEYS[1], KEYS[2])
local n = tonumber(ARGV[1])
for i = 2, 2 * n, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
for i = 2 * n + 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return n
