-- tests/lua/unattend_dump.lua - run by the peforge binary as a "recipe"
-- (peforge unattend tests/lua/unattend_dump.lua -D recipe=R -D out=DIR):
-- loads recipe R and writes what its pe.unattend and pe.machines give
-- into DIR, since only the peforge program has the answer-file engine:
--   DIR/autounattend.xml        unattend.text
--   DIR/files.txt               every medium path of unattend.files and
--                               machines.files, sorted, one per line
--   DIR/files/<path>            each of those files, '/' written as '+'
--   DIR/identify.cmd            machines.identify{ root = "I:" } (CRLF)
--   DIR/firmware.cmd            unattend.firmware_block{ root = "I:" } (CRLF)
--   DIR/start.cmd               start.text, when the recipe has a start
-- and "prints" (as its answer file) "ok".
local pe = require "peforge"
local recipe_path, out = pe.defines.recipe, pe.defines.out
assert(recipe_path and out, "usage: -D recipe=RECIPE.lua -D out=DIR")

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- as peforge does after a recipe returns: the library completes it
local r = pe.finalize(dofile(recipe_path))
local names = {}
local function dump(files)
  for p, t in pairs(files or {}) do
    names[#names + 1] = p
    write(out .. "/files/" .. p:gsub("/", "+"), type(t) == "table" and t.text or t)
  end
end
if type(r.unattend) == "table" then
  write(out .. "/autounattend.xml", r.unattend.text)
  dump(r.unattend.files)
  write(out .. "/firmware.cmd", pe.crlf(r.unattend.firmware_block { root = "I:" }))
end
if type(r.machines) == "table" then
  dump(r.machines.files)
  write(out .. "/identify.cmd", pe.crlf(r.machines.identify { root = "I:" }))
end
if type(r.start) == "table" and r.start.text then
  write(out .. "/start.cmd", r.start.text)
end
table.sort(names)
write(out .. "/files.txt", table.concat(names, "\n") .. (#names > 0 and "\n" or ""))
return { unattend = "ok\n" }
