-- Closes a quiz exactly once and freezes its figures. Returns 1 for the caller that closed it, else 0.
-- The quiz stays in the open set until forget_quiz, after its rollup: a crash in between is picked
-- up again by the next tick, which finds it closed and only re-counts the rollup.
-- KEYS[1] push hash
-- ARGV[1] now (ms)
-- ARGV[2] expected: people expected to answer (quiz/participants.ts), those on leave left out
-- ARGV[3] where that count came from (roster, headcount, room, answerers)
-- ARGV[4] people excused by leave (请假) that day
if redis.call('HGET', KEYS[1], 'status') ~= 'sent' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'closed', 'closedAt', ARGV[1], 'expected', ARGV[2], 'expectedSource', ARGV[3], 'leave', ARGV[4])
return 1
