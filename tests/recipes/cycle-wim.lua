-- tests/recipes/cycle-wim.lua - an output table that holds itself, read by
-- the plan reader's walk (no finalizer consumes outputs.wim): one error line,
--   recipe key 'outputs.wim.again': the table contains itself (a cycle)
local wim = { path = "b.wim" }
wim.again = wim
return { source = "m", outputs = { wim = wim } }
