-- Takes an outbox item for sending. Another instance's live lease, or a delivered item, says no; an
-- expired lease (its holder died) is taken over, so the item is sent after a crash.
-- Returns 1 when this owner may send it, else 0.
-- KEYS[1] items hash
-- ARGV[1] id
-- ARGV[2] owner
-- ARGV[3] now (ms)
-- ARGV[4] lease length (ms)
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local lease = redis.call('HGET', KEYS[1], 'L:' .. ARGV[1])
if lease then
  local holder, untilMs = string.match(lease, '^(.*)|(%d+)$')
  if holder ~= ARGV[2] and tonumber(untilMs) > tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], 'L:' .. ARGV[1], ARGV[2] .. '|' .. (tonumber(ARGV[3]) + tonumber(ARGV[4])))
return 1
