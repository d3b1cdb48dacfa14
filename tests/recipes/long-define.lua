-- tests/recipes/long-define.lua - issue 11, run with a 10,000-part key
-- -D outputs.wim.a.a.a....b=1: the walk segfaulted (exit 139).  Now:
--   long-define.lua: -D outputs.wim.a.a....: key nested too deep (10003 parts, limit 32)
return { source = "m", outputs = { wim = "b.wim" } }
