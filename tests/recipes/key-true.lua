-- tests/recipes/key-true.lua - issue 11: a boolean key in an output's table
-- aborted with "invalid key to 'next'" (exit 134).  Now: one error line:
--   recipe key 'outputs.wim': a key is a boolean (keys must be strings or numbers)
return { source = "m", outputs = { wim = { path = "b.wim", [true] = 1 } } }
