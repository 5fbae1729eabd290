-- Takes over a claim whose owner died before sending anything (its heartbeat key expired).
-- Returns 1 when taken over, 0 otherwise.
-- KEYS[1] push hash
-- KEYS[2] the old owner's heartbeat key
-- ARGV[1] old owner
-- ARGV[2] new owner
if redis.call('HGET', KEYS[1], 'status') ~= 'claimed' then return 0 end
if redis.call('HGET', KEYS[1], 'owner') ~= ARGV[1] then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'owner', ARGV[2])
return 1
