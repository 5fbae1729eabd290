-- Settles the repetition a worker was asked, once: a right answer clears the question (no later asking),
-- a wrong one keeps its schedule. Returns 1 for the caller that settled it, else 0.
-- KEYS[1] the repetition asked (string)
-- KEYS[2] worker's repetitions
-- ARGV[1] repetition member
-- ARGV[2] '1' when answered right
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if ARGV[2] == '1' then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1
