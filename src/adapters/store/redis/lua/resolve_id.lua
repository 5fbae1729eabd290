-- Returns the stable integer id of a room or worker, creating it on first sight.
-- KEYS[1] idmap: hash puppet id -> entity id
-- KEYS[2] namemap: hash name key -> entity id
-- KEYS[3] seq: counter for new ids
-- KEYS[4] display names: hash entity id -> latest display name
-- ARGV[1] puppet id
-- ARGV[2] name key (room: topic + owner name; worker: group id + name)
-- ARGV[3] "1" when puppet ids change across logins, so the name key may identify the entity
-- ARGV[4] display name
local id = redis.call('HGET', KEYS[1], ARGV[1])
if not id and ARGV[3] == '1' then
  id = redis.call('HGET', KEYS[2], ARGV[2])
end
if not id then
  id = redis.call('INCR', KEYS[3])
end
redis.call('HSET', KEYS[1], ARGV[1], id)
redis.call('HSET', KEYS[2], ARGV[2], id)
redis.call('HSET', KEYS[4], id, ARGV[4])
return tonumber(id)
