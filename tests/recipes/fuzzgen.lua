-- tests/recipes/fuzzgen.lua - random recipe tables for tests/recipe-fuzz.test.
--
-- require("fuzzgen")(SEED) returns one random recipe table: recipe keys and
-- random keys of every type (strings, integers, floats, booleans, tables,
-- functions), values of every type, nesting (now and then thousands deep),
-- shared tables and cycles, and metatables whose metamethods raise errors,
-- recurse without end, chain into each other or make new tables on every
-- read.  The same SEED gives the same table.  `source` never names a real
-- place, so peforge stops after reading the recipe.  Strings have no line
-- breaks (messages quote them).
local R

local words = { "source", "outputs", "wim", "iso", "disk", "pxe", "samba", "path",
  "text", "files", "media", "drivers", "dest", "start", "unattend", "machines",
  "keep_setup", "inplace", "image", "arch", "netuse", "server", "share", "a", "b",
  "x", "1", "hosts_allow", "guest", "error", "standalone" }

-- A string without line breaks: a word, a long run, or random bytes.
local function str()
  local r = R(10)
  if r <= 6 then return words[R(#words)] end
  if r == 7 then return string.rep("k", R(0, 400)) end
  local b = {}
  for i = 1, R(0, 40) do
    local c = R(0, 255)
    if c == 10 or c == 13 then c = 32 end
    b[i] = string.char(c)
  end
  return table.concat(b)
end

local budget -- tables left to make in this recipe

-- A key of any type (never nil or NaN).
local function key(pool)
  local r = R(24)
  if r <= 14 then return str() end
  if r <= 17 then return R(-3, 12) end
  if r == 18 then return R() * 1000 end
  if r == 19 then return r % 2 == 0 end
  if r == 20 then return R(2) == 1 end
  if r == 21 then return pool[R(#pool)] end
  if r == 22 then return print end
  if r == 23 then return io.stdout end
  return coroutine.create(function() end)
end

-- A value that is not a table.
local function scalar()
  local r = R(14)
  if r <= 6 then return str() end
  if r == 7 then return R(-1000, 1000) end
  if r == 8 then return R() end
  if r == 9 then return ({ math.huge, -math.huge, 0 / 0, -0.0, math.mininteger })[R(5)] end
  if r == 10 then return R(2) == 1 end
  if r == 11 then return function() error("fuzz: called") end end
  if r == 12 then return io.stdout end
  if r == 13 then return coroutine.create(function() end) end
  return "m"
end

-- A metamethod that raises, recurses without end, or misbehaves.
local function bad(name, pool)
  local r = R(6)
  if r == 1 then return function(...) error("fuzz: raising " .. name) end end
  if r == 2 then return function(t, k) return t[k] end end          -- endless __index
  if r == 3 then return function(t, k, v) t[k] = v end end          -- endless __newindex
  if r == 4 then return pool[R(#pool)] end                          -- chains, loops
  if r == 5 then return function() error(setmetatable({}, { __tostring =
      function() error("fuzz: raising __tostring") end })) end end
  return function() return setmetatable({}, getmetatable(pool[R(#pool)]) or {}) end
end

local events = { "__index", "__newindex", "__pairs", "__len", "__tostring", "__eq",
  "__lt", "__le", "__concat", "__call", "__gc", "__close", "__name", "__metatable",
  "__mode" }

-- Give T a random metatable.
local function meta(t, pool)
  local mt = {}
  for _ = 1, R(1, 4) do
    local e = events[R(#events)]
    if e == "__name" or e == "__metatable" then
      mt[e] = str()
    elseif e == "__mode" then
      mt[e] = ({ "k", "v", "kv" })[R(3)]
    else
      mt[e] = bad(e, pool)
    end
  end
  -- peforge refuses a metatable with __gc (a finalizer that makes new
  -- objects would keep lua_close from ending): then T keeps none
  pcall(setmetatable, t, mt)
end

local gen

-- A value: a table (new, shared or a cycle) or a scalar.
local function value(depth, pool)
  local r = R(10)
  if r <= 4 and depth < 8 and budget > 0 then return gen(depth + 1, pool) end
  if r == 5 then return pool[R(#pool)] end
  if r == 6 and R(8) == 1 then
    local t, k = scalar(), str()
    for _ = 1, ({ 10, 40, 60, 200, 10000 })[R(5)] do t = { [k] = t } end
    return t
  end
  return scalar()
end

-- A random table at DEPTH; every table made joins POOL.
function gen(depth, pool)
  local t = {}
  budget = budget - 1
  pool[#pool + 1] = t
  for _ = 1, R(0, 6) do
    rawset(t, key(pool), value(depth, pool))
  end
  if R(4) == 1 then meta(t, pool) end
  return t
end

-- The outputs table: NAME = "path" | table, now and then odd.
local function outputs(pool)
  local o = {}
  for _ = 1, R(0, 4) do
    local name = R(6) == 1 and key(pool) or ({ "wim", "iso", "disk", "pxe", "samba", "bogus" })[R(6)]
    local v = R(3) == 1 and str() or gen(1, pool)
    rawset(o, name, R(5) == 1 and pool[R(#pool)] or v)
  end
  if R(5) == 1 then meta(o, pool) end
  return o
end

return function(seed)
  R = math.random
  math.randomseed(seed)
  budget = 200
  local pool = { {} }
  local source = R(10) == 1 and scalar() or "m"
  if type(source) == "string" then source = "m" end -- never a real place
  local recipe = { source = source, outputs = outputs(pool) }
  local keys = { "start", "files", "media", "drivers", "unattend", "machines",
    "keep_setup", "inplace", "image", "arch", "name" }
  for _ = 1, R(0, 4) do
    rawset(recipe, keys[R(#keys)], value(1, pool))
  end
  for _ = 1, R(0, 2) do
    rawset(recipe, key(pool), value(1, pool))
  end
  if R(6) == 1 then meta(recipe, pool) end
  if R(8) == 1 then -- the -D definitions, as the recipe sees them
    local defines = require("peforge").defines
    for k in pairs(defines) do rawset(defines, k, value(1, pool)) end
    if R(2) == 1 then meta(defines, pool) end
  end
  return recipe
end
