-- Writes a group's settings and status. The global indexes (active groups, team bindings) live in other
-- slots, so RedisStore.saveGroup writes them right after, idempotently.
-- KEYS[1] group hash
-- ARGV[1] status (active | paused | left)
-- ARGV[2] org path
-- ARGV[3..] field, value pairs
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'team', ARGV[2], unpack(fields))
return 1
