-- tests/recipes/deep40.lua - issue 11: an outputs table nested 40 deep aborted (exit 134).
-- Now: one error line, exit 1:
--   recipe key 'outputs.wim.a.a...': table nested too deep (limit 32 keys in a path)
local t = "x"
for _ = 1, 40 do t = { a = t } end
return { source = "m", outputs = { wim = { path = "b.wim", a = t } } }
