-- Returns the stable integer id of a room or worker, creating it on first sight. Writes only what changed:
-- every answer comes through here, and most find everything as it was.
-- KEYS[1] idmap: hash puppet id -> entity id
-- KEYS[2] namemap: hash name key -> entity id
-- KEYS[3] seq: counter for new ids
-- KEYS[4] display names: hash entity id -> latest display name
-- ARGV[1] puppet id
-- ARGV[2] name key (room: topic + owner name; worker: group id + name)
-- ARGV[3] "1" when puppet ids change across logins, so the name key may identify the entity
-- ARGV[4] display name
local known = redis.call('HGET', KEYS[1], ARGV[1])
local id = known
if not id and ARGV[3] == '1' then
  id = redis.call('HGET', KEYS[2], ARGV[2])
end
if not id then
  id = tostring(redis.call('INCR', KEYS[3]))
end
if known ~= id then redis.call('HSET', KEYS[1], ARGV[1], id) end
if redis.call('HGET', KEYS[2], ARGV[2]) ~= id then redis.call('HSET', KEYS[2], ARGV[2], id) end
if redis.call('HGET', KEYS[4], id) ~= ARGV[4] then redis.call('HSET', KEYS[4], id, ARGV[4]) end
return tonumber(id)
