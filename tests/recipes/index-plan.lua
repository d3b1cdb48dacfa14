-- tests/recipes/index-plan.lua - issue 11: the recipe table's __index raises;
-- reading the plan called it outside any protected call ("PANIC:
-- unprotected error", exit 134).  Now the plan reader reads raw, and the
-- library's finalize, which does call it, fails with one error line:
--   index-plan.lua: .../index-plan.lua:8: raising __index: start
return setmetatable({ source = "m", outputs = { wim = "b.wim" } }, {
  __index = function(_, k)
    error("raising __index: " .. tostring(k))
  end,
})
