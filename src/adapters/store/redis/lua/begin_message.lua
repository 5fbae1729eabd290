-- Before one of a push's messages goes out: checks that this instance still owns the push and that the
-- message has not gone out yet; the first message moves the push from 'claimed' to 'sending'.
-- Returns 1 to go ahead, 0 to stop (another instance took the push over, or the message went already).
-- KEYS[1] push hash
-- ARGV[1] owner
-- ARGV[2] message index (0-based)
local h = redis.call('HMGET', KEYS[1], 'status', 'owner', 'next')
if h[2] ~= ARGV[1] or tonumber(h[3]) > tonumber(ARGV[2]) then return 0 end
if h[1] == 'claimed' and ARGV[2] == '0' then
  redis.call('HSET', KEYS[1], 'status', 'sending')
  return 1
end
if h[1] == 'sending' then return 1 end
return 0
