-- Adds an item to a bot account's durable outbox, once per id: an id already waiting or already
-- delivered is ignored, so a retried close never posts its summary twice.
-- Returns 1 when added, 0 when the id was known.
-- KEYS[1] items: hash id -> item JSON (and "L:<id>" -> lease "owner|until ms")
-- KEYS[2] queue: sorted set id -> order
-- KEYS[3] delivered ids: sorted set id -> delivered at (ms), trimmed after 30 days
-- ARGV[1] id
-- ARGV[2] item JSON
-- ARGV[3] order score (lower goes first)
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 or redis.call('ZSCORE', KEYS[3], ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
