--- peforge.check: option declarations and typed validators, shared by the
-- recipe's own keys (peforge.recipe) and the library's helpers
-- (pe.startcmd, pe.netuse, pe.smbconf, pe.unattend, pe.machines).
--
-- A declaration names one option: { name, type, default, help }.  A
-- helper keeps one list of them; `options` checks a table against it and
-- `render` prints it (`peforge help TOPIC`), so the help cannot drift from
-- the checks.
--
-- ONE boolean rule: a boolean option takes `true` or `false`, or the text
-- "true", "yes", "1", "false", "no", "0" (what -D gives for a key the
-- recipe leaves unset, and what a CSV cell holds; the same words the core
-- accepts for -D and for output arguments).  Anything else is refused.
--
-- ONE message style, WHAT being "pe.startcmd: option 'wpeinit'" or
-- "t.lua: recipe key 'source'":
--   WHAT: expected TYPE, got TYPE          a value of the wrong Lua type
--   WHAT: expected DESCRIPTION, got 'x'    a value of the right type, refused
--   unknown option 'keep_steup' (did you mean 'keep_setup'?)
--   unknown option 'colour' (known: a, b, c)
--
-- Works in plain Lua 5.4: no C module needed.
-- @module peforge.check
local M = {}

-- ---------------------------------------------------------------------
-- Misuse errors.  Validators raise them with `fail`; the public functions
-- of the library are wrapped by `guard`, which turns the outermost one
-- into an ordinary error message at the caller's line (level 2) and lets
-- nested library calls pass them through unchanged.

local Misuse = { __tostring = function(e) return e.msg end }
local Located = { __tostring = function(e) return e.msg end,
  __concat = function(a, b) return tostring(a) .. tostring(b) end }
local depth = 0

--- Raise a misuse error: string.format(FMT, ...).
function M.fail(fmt, ...)
  error(setmetatable({ msg = string.format(fmt, ...) }, Misuse), 0)
end

--- True when E is an error raised by `fail`.
function M.is_misuse(e)
  return getmetatable(e) == Misuse
end

--- F wrapped so that a `fail` inside it (or in what it calls) becomes an
-- error at the line that called the wrapper.  Other errors pass unchanged.
function M.guard(f)
  return function(...)
    depth = depth + 1
    local res = table.pack(pcall(f, ...))
    depth = depth - 1
    if res[1] then
      return table.unpack(res, 2, res.n)
    end
    if getmetatable(res[2]) == Misuse and depth == 0 then
      -- "FILE:LINE: message" at the caller, as error(msg, 2) would give,
      -- in an object whose __tostring gives it: peforge prints it as one
      -- line, without a traceback (a misuse is not a bug to trace)
      local info = debug.getinfo(2, "Sl")
      local where = info and info.currentline > 0
        and (info.short_src .. ":" .. info.currentline .. ": ") or ""
      error(setmetatable({ msg = where .. res[2].msg }, Located), 0)
    end
    error(res[2], 0)
  end
end

local fail = M.fail

--- V for messages: 'text' for a string, else its type name.
function M.show(v)
  return type(v) == "string" and ("'" .. v .. "'") or type(v)
end

-- ---------------------------------------------------------------------
-- "Did you mean": the optimal string alignment distance (Levenshtein with
-- transpositions of two neighbours), case-insensitive.

--- The edit distance between A and B (insert, delete, replace, swap).
function M.distance(a, b)
  a, b = a:lower(), b:lower()
  local d = {}
  for i = 0, #a do d[i] = { [0] = i } end
  for j = 0, #b do d[0][j] = j end
  for i = 1, #a do
    for j = 1, #b do
      local cost = a:byte(i) == b:byte(j) and 0 or 1
      local v = math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if i > 1 and j > 1 and a:byte(i) == b:byte(j - 1) and a:byte(i - 1) == b:byte(j) then
        v = math.min(v, d[i - 2][j - 2] + 1)
      end
      d[i][j] = v
    end
  end
  return d[#a][#b]
end

--- The name of NAMES (a list) closest to KEY, or nil when none is close:
-- at most 2 edits, and at most one edit per 3 characters of KEY (so a
-- short key is not "corrected" into an unrelated one).  Ties go to the
-- first name in sorted order.
function M.suggest(key, names)
  if type(key) ~= "string" then return nil end
  local sorted = {}
  for _, n in ipairs(names) do sorted[#sorted + 1] = n end
  table.sort(sorted)
  local best, bd = nil, math.huge
  for _, n in ipairs(sorted) do
    local d = M.distance(key, n)
    if d < bd then best, bd = n, d end
  end
  if best and bd > 0 and bd <= 2 and bd * 3 <= #key then
    return best
  end
  return nil
end

--- Fail for the unknown KEY among NAMES (a list): "WHERE: unknown NOUN
-- 'PREFIXkey' (did you mean 'PREFIXname'?)", or with the known names (or
-- HINT when given) when none is close.  NOUN defaults to "option".
function M.unknown(key, names, where, noun, prefix, hint)
  prefix = prefix or ""
  local head = (where and where ~= "" and (where .. ": ") or "") .. "unknown "
    .. (noun or "option") .. " '" .. prefix .. tostring(key) .. "'"
  local best = M.suggest(key, names)
  if best then
    fail("%s (did you mean '%s%s'?)", head, prefix, best)
  end
  if hint then
    fail("%s (%s)", head, hint)
  end
  local sorted = {}
  for _, n in ipairs(names) do sorted[#sorted + 1] = n end
  table.sort(sorted)
  fail("%s (known: %s)", head, table.concat(sorted, ", "))
end

-- ---------------------------------------------------------------------
-- Types.  A type is a table { name = "text for help and messages",
-- check = function(value, what) -> value }, callable as type(value, what).
-- WHAT is how messages name the value ("pe.netuse: option 'tries'").

local Type = {}
Type.__index = Type
Type.__call = function(t, v, what) return t.check(v, what) end

--- A new type NAME whose check is CHECK(value, what) -> value.
function M.type(name, check)
  return setmetatable({ name = name, check = check }, Type)
end

--- Fail: WHAT has the wrong Lua type (expected NAME).
function M.wrong_type(what, name, v)
  fail("%s: expected %s, got %s", what, name, type(v))
end

--- The boolean of the words of the boolean rule, or nil.
local WORDS = { ["true"] = true, yes = true, ["1"] = true,
  ["false"] = false, no = false, ["0"] = false }

--- V read by the boolean rule: true or false, or nil when it is not one.
function M.to_boolean(v)
  if type(v) == "boolean" then return v end
  if type(v) == "string" then return WORDS[v] end
  return nil
end

--- Boolean: true/false or one of the words (see the module comment).
M.boolean = M.type("boolean", function(v, what)
  local b = M.to_boolean(v)
  if b ~= nil then return b end
  if type(v) == "string" then
    fail("%s: expected a boolean, got '%s' (true, false, yes, no, 1 or 0)", what, v)
  end
  M.wrong_type(what, "boolean", v)
end)

--- A validator: a string, or a boolean by the boolean rule ("false" from
-- -D is false); NAME is the type's name in messages.
function M.string_or_boolean(name)
  return M.type(name, function(v, what)
    local b = M.to_boolean(v)
    if b ~= nil then return b end
    if type(v) ~= "string" then M.wrong_type(what, name, v) end
    return v
  end)
end

--- A string.  OPTS: numbers = true also takes a number (as text);
-- nonempty = true refuses ""; name = the text in messages (default
-- "string").
function M.string(opts)
  opts = opts or {}
  local name = opts.name or "string"
  return M.type(name, function(v, what)
    if type(v) == "number" and opts.numbers then v = tostring(v) end
    if type(v) ~= "string" then M.wrong_type(what, name, v) end
    if opts.nonempty and v == "" then fail("%s: expected a non-empty string", what) end
    return v
  end)
end

--- A host path (a non-empty string; relative ones are resolved by whoever
-- uses them).  NAME: the text in messages (default "string (a path)").
function M.path(name)
  name = name or "string (a path)"
  return M.type(name, function(v, what)
    if type(v) ~= "string" then M.wrong_type(what, name, v) end
    if v == "" then fail("%s: expected a path, got an empty string", what) end
    return v
  end)
end

--- A whole number from MIN to MAX (MAX nil: no upper bound).  Text of a
-- whole number (from -D or a CSV cell) is taken too.
function M.integer(min, max)
  local range = min and (max and (" from " .. min .. " to " .. max) or (" from " .. min .. " up"))
    or ""
  return M.type("integer" .. (min and (" " .. min .. ".." .. (max or "")) or ""), function(v, what)
    if type(v) == "string" and v:match("^%s*%-?%d+%s*$") then v = tonumber(v) end
    if type(v) ~= "number" or v ~= math.floor(v) or v ~= v or v == math.huge or v == -math.huge then
      fail("%s: expected a whole number%s, got %s", what, range,
        type(v) == "number" and tostring(v) or M.show(v))
    end
    v = math.tointeger(v)
    if (min and v < min) or (max and v > max) then
      fail("%s: expected a whole number%s, got %d", what, range, v)
    end
    return v
  end)
end

--- One of the words ALLOWED (a list of strings or other values).
function M.enum(allowed)
  local q = {}
  for i, a in ipairs(allowed) do q[i] = '"' .. tostring(a) .. '"' end
  local list = table.concat(q, ", ")
  return M.type("one of " .. list, function(v, what)
    for _, a in ipairs(allowed) do
      if v == a then return v end
    end
    fail("%s: expected %s, got %s", what, list, M.show(v))
  end)
end

--- A value whose Lua type is one of TYPES ("string|table"); NAME is the
-- text in messages (default "string or table").
function M.luatype(types, name)
  local ok = {}
  for t in types:gmatch("[^|]+") do ok[t] = true end
  name = name or (types:gsub("|", " or "))
  return M.type(name, function(v, what)
    if not ok[type(v)] then M.wrong_type(what, name, v) end
    return v
  end)
end

--- A function.
M.func = M.luatype("function")

--- Any table.
M.table = M.luatype("table")

--- A list (a table with keys 1..n only) of values of type ITEM; a single
-- value of ITEM's type is taken as a list of one when SINGLE is true.
function M.list(item, single)
  local name = "list of " .. item.name
  return M.type(name, function(v, what)
    if single and type(v) ~= "table" then v = { v } end
    if type(v) ~= "table" then M.wrong_type(what, name, v) end
    for k in pairs(v) do
      if math.type(k) ~= "integer" or k < 1 or k > #v then
        fail("%s: expected a list, got the key '%s'", what, tostring(k))
      end
    end
    local out = {}
    for i, x in ipairs(v) do out[i] = item.check(x, what .. "[" .. i .. "]") end
    return out
  end)
end

--- The first of TYPES (a list of types) that takes the value; NAME is the
-- text in messages when none does.
function M.either(types, name)
  return M.type(name, function(v, what)
    for _, t in ipairs(types) do
      local ok, res = pcall(t.check, v, what)
      if ok then return res end
    end
    M.wrong_type(what, name, v)
  end)
end

-- ---------------------------------------------------------------------
-- Declarations.

--- The names of DECLS (a list of declarations), in order.
function M.names(decls)
  local n = {}
  for i, d in ipairs(decls) do n[i] = d.name end
  return n
end

--- The declaration of DECLS named NAME, or nil.
function M.find(decls, name)
  for _, d in ipairs(decls) do
    if d.name == name then return d end
  end
  return nil
end

--- Check the table of options OPTS against DECLS (a list of
-- { name = , type = , default = , help = }): returns a copy with the
-- values as the types return them and the declared defaults filled in.
-- Fails naming WHERE ("pe.netuse") for a non-table, an unknown option
-- (with a suggestion) or a wrong value.  NOUN: "option" (default) or
-- "recipe key"; HINT: what to say instead of the list of known names.
function M.options(opts, decls, where, noun, hint)
  noun = noun or "option"
  if type(opts) ~= "table" then
    fail("%s: expected a table of %ss, got %s", where, noun, type(opts))
  end
  local o = {}
  for k, v in pairs(opts) do
    local d = type(k) == "string" and M.find(decls, k)
    if not d then M.unknown(k, M.names(decls), where, noun, nil, hint) end
    o[k] = d.type.check(v, string.format("%s: %s '%s'", where, noun, k))
  end
  for _, d in ipairs(decls) do
    if o[d.name] == nil and d.default ~= nil then o[d.name] = d.default end
  end
  return o
end

--- The default of D as text for the help.
local function default_text(d)
  if d.default_text then return d.default_text end
  if d.default == nil then return "none" end
  if type(d.default) == "string" then return '"' .. d.default .. '"' end
  return tostring(d.default)
end

--- The text of DECLS for `peforge help`: TITLE, then per option its name,
-- type and default, and the help text wrapped at 76 columns.
function M.render(title, decls)
  local L = { title, "" }
  for _, d in ipairs(decls) do
    L[#L + 1] = string.format("  %s  (%s; default: %s)", d.name,
      d.type_name or d.type.name, default_text(d))
    local line = "      "
    for word in (d.help or ""):gmatch("%S+") do
      if #line + #word > 76 and line:match("%S") then
        L[#L + 1] = line
        line = "      "
      end
      line = line .. (line:match("%S") and " " or "") .. word
    end
    if line:match("%S") then L[#L + 1] = line end
  end
  return table.concat(L, "\n") .. "\n"
end

--- The help topics of `peforge help TOPIC` served from Lua declarations:
-- topic -> module whose `help()` returns the text.
M.topics = {
  recipe = "peforge.recipe",
  startcmd = "peforge.startcmd",
  netuse = "peforge.netuse",
  smbconf = "peforge.smbconf",
  unattend = "peforge.unattend",
  machines = "peforge.machines",
}

--- The help text of TOPIC (see M.topics); fails for an unknown one.
function M.help(topic)
  local mod = M.topics[topic]
  if not mod then
    local names = {}
    for k in pairs(M.topics) do names[#names + 1] = k end
    M.unknown(topic, names, "help", "topic")
  end
  return require(mod).help()
end

return M
