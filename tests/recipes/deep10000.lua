-- tests/recipes/deep10000.lua - issue 11: a table nested 10,000 deep.
-- Now: one error line, exit 1:
--   recipe key 'outputs.wim.1.1...': table nested too deep (limit 32 keys in a path)
local t = {}
for _ = 1, 10000 do t = { t } end
return { source = "m", outputs = { wim = t } }
