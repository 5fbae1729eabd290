-- Takes over a push whose owner died before finishing it (claimed, or partly sent). The owner's death is
-- judged before, from its heartbeat key (a global key, another slot); this checks the push is still its.
-- The new owner resumes at the first unsent message. Returns 1 when taken over, 0 otherwise.
-- KEYS[1] push hash
-- ARGV[1] old owner
-- ARGV[2] new owner
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'claimed' and status ~= 'sending' then return 0 end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return 1
