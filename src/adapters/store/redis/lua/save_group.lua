-- Writes a group's settings and keeps the set of scheduled groups in step with its status.
-- KEYS[1] group hash
-- KEYS[2] set of active group ids
-- KEYS[3] set of all group ids ever enrolled (left ones keep their figures)
-- ARGV[1] gid
-- ARGV[2] status (active | paused | left)
-- ARGV[3..] field, value pairs
local fields = {}
for i = 3, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'status', ARGV[2], unpack(fields))
redis.call('SADD', KEYS[3], ARGV[1])
if ARGV[2] == 'left' then
  redis.call('SREM', KEYS[2], ARGV[1])
else
  redis.call('SADD', KEYS[2], ARGV[1])
end
return 1
