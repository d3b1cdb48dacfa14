-- tests/recipes/deep60.lua - issue 11: an outputs table nested 60 deep segfaulted (exit 139).
-- Now: one error line, exit 1:
--   recipe key 'outputs.wim.a.a...': table nested too deep (limit 32 keys in a path)
local t = "x"
for _ = 1, 60 do t = { a = t } end
return { source = "m", outputs = { wim = { path = "b.wim", a = t } } }
