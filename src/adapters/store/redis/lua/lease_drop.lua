-- Gives a lease up, only when this owner holds it (never another instance's).
-- Returns 1 when it was dropped, else 0.
-- KEYS[1] lease key
-- ARGV[1] owner
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
