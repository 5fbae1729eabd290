-- Writes a group's settings, keeps the set of scheduled groups in step with its status, and
-- records its org binding in the small index the dashboard reads instead of every group hash.
-- KEYS[1] group hash
-- KEYS[2] set of active group ids
-- KEYS[3] hash of every group ever enrolled: gid -> org path ('' = 未归属); left ones keep their figures
-- ARGV[1] gid
-- ARGV[2] status (active | paused | left)
-- ARGV[3] org path
-- ARGV[4..] field, value pairs
local fields = {}
for i = 4, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'team', ARGV[3], unpack(fields))
redis.call('HSET', KEYS[3], ARGV[1], ARGV[3])
if ARGV[2] == 'left' then
  redis.call('SREM', KEYS[2], ARGV[1])
else
  redis.call('SADD', KEYS[2], ARGV[1])
end
return 1
