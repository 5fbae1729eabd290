-- Uses a one-time enrolment code, and counts wrong tries per group and per sender.
-- Returns {'ok', team}, {'wrong'}, {'expired'} or {'locked', until}.
-- KEYS[1] the code: JSON {team, expiresAt}
-- KEYS[2] wrong tries of the group: hash count, resetAt
-- KEYS[3] wrong tries of the sender: hash count, resetAt
-- ARGV[1] now (ms, the bot's clock)
-- ARGV[2] window (ms)
-- ARGV[3] wrong tries allowed per window
local now = tonumber(ARGV[1])
for i = 2, 3 do
  local count, resetAt = unpack(redis.call('HMGET', KEYS[i], 'count', 'resetAt'))
  if resetAt and tonumber(resetAt) > now and tonumber(count) >= tonumber(ARGV[3]) then
    return {'locked', resetAt}
  end
end
local raw = redis.call('GET', KEYS[1])
local outcome = 'wrong'
if raw then
  local code = cjson.decode(raw)
  -- Used or expired, the code is gone: single use.
  redis.call('DEL', KEYS[1])
  if tonumber(code.expiresAt) > now then return {'ok', code.team} end
  outcome = 'expired'
end
for i = 2, 3 do
  local resetAt = redis.call('HGET', KEYS[i], 'resetAt')
  if not resetAt or tonumber(resetAt) <= now then
    redis.call('HSET', KEYS[i], 'count', 1, 'resetAt', now + tonumber(ARGV[2]))
  else
    redis.call('HINCRBY', KEYS[i], 'count', 1)
  end
  -- Real-time expiry only cleans up; the window itself runs on the bot's clock.
  redis.call('PEXPIRE', KEYS[i], 8 * 86400000)
end
return {outcome}
