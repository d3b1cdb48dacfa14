-- tests/recipes/index-define.lua - issue 11, run with -D outputs.wim.x=1:
-- the outputs table's __index raises while -D is applied ("PANIC:
-- unprotected error", exit 134).  Now: one error line naming the key:
--   index-define.lua: -D outputs.wim.x: .../index-define.lua:8: raising __index: wim
return {
  source = "m",
  outputs = setmetatable({}, { __index = function(_, k)
    error("raising __index: " .. tostring(k))
  end }),
}
