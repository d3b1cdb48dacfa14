-- tests/recipes/bytecode.lua - issue 11: crafted bytecode (a function's
-- dump with garbage operands) through load(..., "b") segfaulted.  Now load
-- takes text chunks only: it returns nil and a message, and calling the nil
-- is the recipe's runtime error (one error line and the traceback), exit 1:
--   bytecode.lua:14: attempt to call a nil value (local 'f')
local s = string.dump(function() local x = "abc" return x end, true)
local b = { s:byte(1, -1) }
for i = 40, #b - 4, 4 do b[i] = 0xff end
s = string.char(table.unpack(b))
local f, err = load(s, "x", "b")
assert(f == nil and err:find("binary chunks are not allowed"))
f, err = load(s)
assert(f == nil and err:find("attempt to load a binary chunk"))
f()
return { source = "m", outputs = { wim = "b.wim" } }
