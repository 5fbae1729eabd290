-- Remembers a worker's wrong first answer: in their recent mistakes (我的错题, trimmed by age and count)
-- and in their repetitions (asked again privately; a question already scheduled keeps its schedule).
-- The global due index is written after this, apart (another slot).
-- KEYS[1] worker's mistakes: sorted set record JSON -> time (ms)
-- KEYS[2] worker's repetitions: sorted set "<gid>|<hash>|<question>|<epoch day missed>" -> due (epoch day)
-- ARGV[1] mistake record JSON
-- ARGV[2] time of the answer (ms)
-- ARGV[3] mistakes older than this (ms) are dropped
-- ARGV[4] mistakes kept at most
-- ARGV[5] repetition member
-- ARGV[6] first due (epoch day)
-- ARGV[7] prefix "<gid>|<hash>|<question>|" of the repetition member, to find it already scheduled
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -tonumber(ARGV[4]) - 1)
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.sub(m, 1, #ARGV[7]) == ARGV[7] then return 0 end
end
redis.call('ZADD', KEYS[2], tonumber(ARGV[6]), ARGV[5])
return 1
