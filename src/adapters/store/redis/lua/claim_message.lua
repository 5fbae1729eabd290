-- Takes one message heard by several bot accounts in a group nobody owns yet, so one of them answers it.
-- Each account hears it at its own moment, by its own clock: a claim within the window of the last one is
-- the same message. Returns 1 when this account answers it, else 0.
-- KEYS[1] the message's claim (group, sender, words): the time it was last heard (ms)
-- ARGV[1] when this account heard it (ms)
-- ARGV[2] window (ms): the same words again after this are a new message
-- ARGV[3] seconds the claim is kept (clean-up only)
local at = tonumber(ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '')
if last and math.abs(at - last) < tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], at, 'EX', ARGV[3])
return 1
