-- tests/recipes/key-function.lua - issue 11: a function as a key (exit 134
-- before).  Now: one error line:
--   recipe key 'outputs.wim': a key is a function (keys must be strings or numbers)
return { source = "m", outputs = { wim = { path = "b.wim", [print] = 1 } } }
