-- tests/recipes/gc-loop.lua - a finalizer that makes a new object with the
-- same finalizer ran again and again when the Lua state was closed: the
-- program never ended.  Now setmetatable refuses a metatable with __gc.
local mt = {}
mt.__gc = function() setmetatable({}, mt) end
setmetatable({}, mt)
return { source = "m", outputs = { wim = "b.wim" } }
