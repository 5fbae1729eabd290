-- Takes a worker's earliest repetition due by today and remembers it as the one asked: a first asking
-- (3 days after the miss) moves it to its second (10 days after), a second asking ends it.
-- Returns {member or '', earliest due left (epoch day) or -1}.
-- KEYS[1] worker's repetitions: sorted set "<gid>|<hash>|<question>|<epoch day missed>" -> due (epoch day)
-- KEYS[2] the repetition asked (string)
-- ARGV[1] today (epoch day)
-- ARGV[2] days from the miss to the second asking (10)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, 1)
local member = ''
if #due > 0 then
  member = due[1]
  local missedDay = tonumber(string.match(member, '|(%d+)$'))
  local second = missedDay + tonumber(ARGV[2])
  if tonumber(due[2]) < second then
    redis.call('ZADD', KEYS[1], second, member)
  else
    redis.call('ZREM', KEYS[1], member)
  end
  redis.call('SET', KEYS[2], member)
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #first == 0 then return {member, -1} end
return {member, tonumber(first[2])}
