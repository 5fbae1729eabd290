-- Gives a lease back, so the next instance need not wait for it to expire; another holder's lease stays.
-- KEYS[1] lease key
-- ARGV[1] owner
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
