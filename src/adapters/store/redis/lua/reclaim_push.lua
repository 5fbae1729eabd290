-- Takes over a push whose owner died before finishing it (claimed, or partly sent): its last heartbeat
-- is too old. The new owner resumes at the first unsent message. Returns 1 when taken over, 0 otherwise.
-- KEYS[1] push hash
-- KEYS[2] the old owner's heartbeat key (holds the time of its last tick, ms)
-- ARGV[1] old owner
-- ARGV[2] new owner
-- ARGV[3] now (ms)
-- ARGV[4] how long without a heartbeat counts as dead (ms)
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'claimed' and status ~= 'sending' then return 0 end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
local beat = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[3]) - beat < tonumber(ARGV[4]) then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return 1
