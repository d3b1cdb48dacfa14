-- tests/recipes/cycle.lua - issue 11: outputs.samba holds itself; the
-- walk recursed until it segfaulted (exit 139).  Now: one error line, exit 1:
--   recipe key 'outputs.samba.samba': the table contains itself (a cycle)
local samba = { path = "share" }
samba.samba = samba
return { source = "m", outputs = { samba = samba } }
