-- Step 2 of sync_rollup: adds one push's change to one org node's rollup for the day. Idempotent: the
-- rollup remembers, per group, the last version it took, so a repeated or late call changes nothing.
-- KEYS[1] the node's rollup hash for the day
-- ARGV[1] the marker field of the push's group ("v:<gid>")
-- ARGV[2] the change's version
-- ARGV[3] the change, JSON {field: amount}
local seen = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if seen >= tonumber(ARGV[2]) then return 0 end
for f, v in pairs(cjson.decode(ARGV[3])) do
  redis.call('HINCRBY', KEYS[1], f, v)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
