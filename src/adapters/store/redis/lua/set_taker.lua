-- Hands a group to another bot account while its owner is down, or back to the owner: a compare-and-set
-- of the group hash's `taker` field, so each group has exactly one account acting for it.
-- KEYS[1] group hash
-- ARGV[1] the owner account the caller saw (the group must still be that account's)
-- ARGV[2] the taker the caller saw ('' = none)
-- ARGV[3] the new taker ('' = the owner acts again)
if redis.call('HGET', KEYS[1], 'account') ~= ARGV[1] then return 0 end
if (redis.call('HGET', KEYS[1], 'taker') or '') ~= ARGV[2] then return 0 end
if ARGV[3] == '' then
  redis.call('HDEL', KEYS[1], 'taker')
else
  redis.call('HSET', KEYS[1], 'taker', ARGV[3])
end
return 1
