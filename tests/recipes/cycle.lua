-- tests/recipes/cycle.lua - issue 11: outputs.samba holds itself; the
-- walk recursed until it segfaulted (exit 139).  Now: one error line, exit 1:
-- the samba finalizer refuses the key 'samba' (not an option) and hands the
-- plugin only its error (the walk's own cycle check: cycle-wim.lua).
local samba = { path = "share" }
samba.samba = samba
return { source = "m", outputs = { samba = samba } }
