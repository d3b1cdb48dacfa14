-- tests/recipes/call-loop.lua - a table that is its own __call: Lua 5.4
-- follows the chain without running an instruction (the budget's hook
-- never fires), shifting the stack at each step, so the run was held for
-- minutes.  Found by tests/recipe-fuzz.test (seed 634120648).  Now
-- setmetatable refuses a __call that is not a function.
local t = {}
setmetatable(t, { __call = t })
return t()
