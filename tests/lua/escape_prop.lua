-- tests/lua/escape_prop.lua - property test material for peforge.batch:
-- random strings (heavy on % ^ & | < > ( ) " ! blanks and tabs) written
-- into a batch file with the library's escaping, and what cmd.exe must
-- print for them.  tests/startcmd.test runs the batch file under Wine's cmd
-- and compares byte for byte.
--
--   lua5.4 tests/lua/escape_prop.lua SEED COUNT OUTDIR
--
-- writes OUTDIR/prop.cmd (CRLF) and
--   OUTDIR/expect-out.txt   what the script prints (echo, then set), CRLF
--   OUTDIR/expect-args.txt  what echoargs.exe records: one line per call,
--                           "N hex1 hex2 ..." ("-" for an empty argument)
--   OUTDIR/values.txt       the values, one per line, %q-quoted (for a
--                           failing case's report)
local batch = require "peforge.batch"

local seed, count, dir = tonumber(arg[1]), tonumber(arg[2]), arg[3]
assert(seed and count and dir, "usage: escape_prop.lua SEED COUNT OUTDIR")
math.randomseed(seed)

local special = { "%", "^", "&", "|", "<", ">", "(", ")", '"', "!", " ", "\t", "%%",
  "^^", "%PATH%", "%1", "%~dp0", "!PATH!", "\\", "\\\\", "=", ",", ";", "*", "?", "~" }

-- A random string of printable ASCII and tabs; NOQUOTE leaves out '"'.
local function random_string(noquote)
  local n = math.random(0, 24)
  local t = {}
  for i = 1, n do
    local r = math.random()
    local piece
    if r < 0.5 then
      piece = special[math.random(#special)]
    elseif r < 0.8 then
      local c = math.random(33, 126)
      piece = string.char(c)
    else
      piece = string.char(math.random(97, 122))
    end
    t[i] = piece
  end
  local s = table.concat(t)
  if noquote then
    s = s:gsub('"', "'")
  end
  return s
end

local function hex(s)
  if s == "" then return "-" end
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

local script = { "@echo off", "setlocal EnableExtensions DisableDelayedExpansion" }
local out, args, values = {}, {}, {}

-- 1. echo: "[value]" printed as is.
for i = 1, count do
  local v = random_string(false)
  values[#values + 1] = string.format("echo %d %q", i, v)
  script[#script + 1] = batch.echo({ "[", v, "]" })
  out[#out + 1] = "[" .. v .. "]"
end
-- 2. set: the value stored as is; `set NAME` prints NAME=value.  (Not
-- empty: `set "NAME="` removes the variable.)
for i = 1, count do
  local v = random_string(false) .. "."
  local name = string.format("PFV%04dZ", i)
  values[#values + 1] = string.format("set %d %q", i, v)
  script[#script + 1] = batch.set(name, v)
  script[#script + 1] = "set " .. name
  out[#out + 1] = name .. "=" .. v
end
-- 3. program arguments: ten per call, received as is.
local i = 0
while i < count do
  local line, hexes = { "echoargs" }, {}
  for _ = 1, 10 do
    i = i + 1
    local v = random_string(true)
    if i % 7 == 0 then v = v .. "\\" end -- trailing backslashes (doubled when quoted)
    values[#values + 1] = string.format("arg %d %q", i, v)
    line[#line + 1] = batch.arg(v)
    hexes[#hexes + 1] = hex(v)
  end
  script[#script + 1] = table.concat(line, " ")
  args[#args + 1] = #hexes .. " " .. table.concat(hexes, " ")
end

local function write(name, lines, sep)
  local f = assert(io.open(dir .. "/" .. name, "wb"))
  f:write(table.concat(lines, sep), sep)
  f:close()
end
local text = table.concat(script, "\n") .. "\n"
batch.check_lines(text, "prop.cmd")
write("prop.cmd", script, "\r\n")
write("expect-out.txt", out, "\r\n")
write("expect-args.txt", args, "\n")
write("values.txt", values, "\n")
