--- peforge.machines: per-machine answer files (what MDT's CustomSettings.ini
-- does, in Lua).
--
--     machines = pe.machines {
--       unattend = { edition = "pro", accounts = { ... } },  -- pe.unattend options
--       inventory = "machines.csv",          -- mac,serial,name,room...
--       defaults = { computer_name = "%name%" },
--       rules = {
--         { room = "lab*", set = { domain = { name = "corp.example", ou = "OU=Lab" } } },
--         { mac = "52:54:00:12:34:56", set = { computer_name = "KIOSK-1" } },
--         { when = function(f) return f.model == "T14" end,
--           set = { drivers = { system = { [[\\srv\drivers\t14]] } } } },
--       },
--     }
--
-- Every machine of the inventory (and every machine a rule names by MAC,
-- serial number or UUID) gets its own answer file on the boot medium and
-- the share, unattend/<mac>.xml (MAC as 00-15-5d-85-6b-00), plus
-- unattend/sn-<serial>.xml and unattend/uuid-<uuid>.xml when known;
-- every other machine gets unattend/default.xml.  The start script finds
-- the file of the machine it runs on with the block `identify{...}`
-- returns (getmac or ipconfig /all for MACs, wmic for serial and UUID).
--
-- Resolution, for a machine's facts (the columns of its inventory row):
--  * rules are tried in order; a rule matches when each of its keys
--    matches the fact of that name (a string with * and ? wildcards,
--    case-insensitive; a list of them; a function(value, facts); true for
--    "present") and its `when` function, if any, returns true;
--  * a single value (computer_name, time_zone, domain.ou...) comes from the
--    first matching rule that sets it, then `defaults`, then `unattend`;
--  * lists (accounts, commands.*, drivers.pe, drivers.system) accumulate:
--    `unattend`'s, then `defaults`', then each matching rule's, in order;
--  * a string value may hold %fact% templates (%name%, %serial%, %mac%,
--    %room%...: the machine's facts; unknown names are left as they are,
--    so %SystemRoot% in a command stays); a value may be a
--    function(facts) returning the value (nil: not set).
-- @module peforge.machines
local U = require "peforge.unattend"
local check = require "peforge.check"

local M = {}
local fail, guard = U.fail, U.guard

-- --------------------------------------------------------------------------
-- Identifiers.

--- MAC address S in the form peforge names files with (00-15-5d-85-6b-00),
-- or nil.  Accepts 00:15:5D:85:6B:00, 00-15-5d-85-6b-00, 0015.5d85.6b00,
-- 00155D856B00.
function M.normalize_mac(s)
  if type(s) ~= "string" then return nil end
  local hex = s:gsub("[%s:%-%.]", "")
  if #hex ~= 12 or hex:find("[^%x]") then return nil end
  hex = hex:lower()
  return (hex:gsub("(%x%x)", "%1-"):sub(1, 17))
end

--- UUID S lower-cased (8-4-4-4-12 hex digits), or nil.
function M.normalize_uuid(s)
  if type(s) ~= "string" then return nil end
  s = s:match("^%s*{?(.-)}?%s*$"):lower()
  if not s:match("^%x%x%x%x%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$") then
    return nil
  end
  return s
end

--- Serial number S as it appears in file names (lower case), or nil when
-- it holds characters other than letters, digits, '.', '-' and '_'.
function M.normalize_serial(s)
  if type(s) ~= "string" then return nil end
  s = s:match("^%s*(.-)%s*$"):lower()
  if s == "" or s:find("[^%w%.%-_]") then return nil end
  return s
end

-- --------------------------------------------------------------------------
-- CSV (RFC 4180: header line, commas, "quoted ""fields""", CRLF or LF).

--- Parse CSV TEXT; returns a list of rows, each a table column -> value
-- (columns lower-cased; empty fields left out) with the line number in
-- `_line`.  WHAT names the file in messages.
function M.parse_csv(text, what)
  text = text:gsub("^\239\187\191", "")
  local rows, header = {}, nil
  local pos, line, n = 1, 1, #text
  while pos <= n do
    local fields, start_line = {}, line
    while true do
      local c = text:sub(pos, pos)
      local field
      if c == '"' then
        local buf = {}
        pos = pos + 1
        while true do
          local q = text:find('"', pos, true)
          if not q then fail("%s: line %d: a quoted field is not closed", what, start_line) end
          local chunk = text:sub(pos, q - 1)
          local _, nl = chunk:gsub("\n", "")
          line = line + nl
          buf[#buf + 1] = chunk
          if text:sub(q + 1, q + 1) == '"' then
            buf[#buf + 1] = '"'
            pos = q + 2
          else
            pos = q + 1
            break
          end
        end
        field = table.concat(buf)
      else
        local e = text:find("[,\r\n]", pos) or (n + 1)
        field = text:sub(pos, e - 1)
        pos = e
      end
      fields[#fields + 1] = field
      local d = text:sub(pos, pos)
      if d == "," then
        pos = pos + 1
      else
        if d == "\r" then pos = pos + 1 end
        if text:sub(pos, pos) == "\n" then pos = pos + 1 end
        line = line + 1
        break
      end
    end
    local blank = #fields == 1 and fields[1]:match("^%s*$")
    local comment = fields[1]:match("^%s*#")
    if not blank and not comment then
      if not header then
        header = {}
        for i, h in ipairs(fields) do
          header[i] = h:match("^%s*(.-)%s*$"):lower()
          if header[i] == "" then fail("%s: line %d: column %d has no name", what, start_line, i) end
        end
      else
        if #fields > #header then
          fail("%s: line %d: %d fields, but the header names %d columns", what,
            start_line, #fields, #header)
        end
        local row = { _line = start_line }
        for i, h in ipairs(header) do
          local v = fields[i] and fields[i]:match("^%s*(.-)%s*$")
          if v and v ~= "" then row[h] = v end
        end
        rows[#rows + 1] = row
      end
    end
  end
  return rows, header
end

-- The folder of the recipe calling pe.machines (relative CSV paths are
-- relative to it), or nil.
local function caller_dir()
  local here = debug.getinfo(1, "S").source
  for level = 2, 30 do
    local info = debug.getinfo(level, "S")
    if not info then break end
    local src = info.source
    if src:sub(1, 1) == "@" and src ~= here and not src:find("[/\\]peforge[/\\][%w_]+%.lua$") then
      return src:sub(2):match("^(.*)[/\\][^/\\]*$") or "."
    end
  end
  return nil
end

local function read_csv(path, dir, what)
  if type(path) ~= "string" or path == "" then
    fail("%s: expected the path of a CSV file, got %s", what, type(path))
  end
  local full = path
  if not path:match("^/") and dir then full = dir .. "/" .. path end
  local f, err = io.open(full, "rb")
  if not f then fail("%s: cannot read %s: %s", what, path, err) end
  local text = f:read("a")
  f:close()
  return M.parse_csv(text, path)
end

-- --------------------------------------------------------------------------
-- Facts, rules, resolution.

local ALIASES = {
  macaddress = "mac", mac_address = "mac", serialnumber = "serial",
  serial_number = "serial", hostname = "name", computername = "name",
}

--- The facts of inventory row ROW (a table column -> value), normalized:
-- keys lower-cased, `mac` a list of normalized MACs, `serial` and `uuid`
-- checked.  WHAT names the row in messages.
function M.facts(row, what)
  local f = {}
  for k, v in pairs(row) do
    if type(k) == "string" and k ~= "_line" then
      local key = k:lower()
      key = ALIASES[key] or key
      f[key] = v
    end
  end
  if f.mac ~= nil then
    local list = type(f.mac) == "table" and f.mac or {}
    if type(f.mac) == "string" then
      for m in f.mac:gmatch("[^%s;|]+") do list[#list + 1] = m end
    end
    local macs = {}
    for i, m in ipairs(list) do
      local nm = M.normalize_mac(m)
      if not nm then fail("%s: mac '%s' is not a MAC address", what, tostring(m)) end
      macs[i] = nm
    end
    f.mac = #macs > 0 and macs or nil
  end
  if f.uuid ~= nil then
    local u = M.normalize_uuid(f.uuid)
    if not u then fail("%s: uuid '%s' is not a UUID", what, tostring(f.uuid)) end
    f.uuid = u
  end
  if f.serial ~= nil then f.serial = tostring(f.serial) end
  return f
end

-- Glob (* ?) to an anchored Lua pattern, lower case.
local function glob(p)
  return "^" .. p:lower():gsub("[%^%$%(%)%%%.%[%]%+%-]", "%%%0"):gsub("%*", ".*")
    :gsub("%?", ".") .. "$"
end

-- Whether PATTERN (rule value) matches fact VALUE (string or list) of KEY.
local function match_one(pattern, value, key, facts)
  if type(pattern) == "function" then return pattern(value, facts) and true or false end
  if pattern == true then return value ~= nil end
  if value == nil then return false end
  if type(pattern) == "table" then
    for _, p in ipairs(pattern) do
      if match_one(p, value, key, facts) then return true end
    end
    return false
  end
  if type(value) == "table" then
    for _, v in ipairs(value) do
      if match_one(pattern, v, key, facts) then return true end
    end
    return false
  end
  pattern = tostring(pattern)
  if key == "mac" and not pattern:find("[*?]") then
    return M.normalize_mac(pattern) == value
  end
  return tostring(value):lower():match(glob(pattern)) ~= nil
end

--- Whether RULE matches FACTS.
function M.matches(rule, facts)
  for k, p in pairs(rule.match) do
    if not match_one(p, facts[k], k, facts) then return false end
  end
  if rule.when and not rule.when(facts) then return false end
  return true
end

-- Set the dotted option PATH ("domain.ou") of table T to V.
local function set_path(t, path, v)
  local head, rest = path:match("^([^%.]+)%.(.+)$")
  if not head then t[path] = v return end
  t[head] = t[head] or {}
  set_path(t[head], rest, v)
end

-- Whether V holds a function or a %template% (resolved per machine).
local function dynamic(v)
  if type(v) == "function" then return true end
  if type(v) == "string" then return v:find("%%[%w_]+%%") ~= nil end
  if type(v) == "table" then
    for _, x in pairs(v) do
      if dynamic(x) then return true end
    end
  end
  return false
end

--- The rules of option RULES, normalized: a list of
-- { match = { fact = pattern }, when = fn, set = options, name = label }.
local function read_rules(rules, dir)
  if rules == nil then return {} end
  if type(rules) == "string" then rules = { csv = rules } end
  if type(rules) ~= "table" then
    fail("pe.machines: option 'rules': expected a list of rules or { csv = ..., "
      .. "match = { ... } }, got %s", type(rules))
  end
  local out = {}
  if rules.csv then
    local rows = read_csv(rules.csv, dir, "pe.machines: option 'rules'")
    local match = rules.match or { "mac" }
    if type(match) == "string" then match = { match } end
    local is_match = {}
    for _, m in ipairs(match) do is_match[m:lower()] = true end
    for _, row in ipairs(rows) do
      local r = { match = {}, set = {}, name = rules.csv .. ":" .. row._line }
      for k, v in pairs(row) do
        if k ~= "_line" then
          if is_match[k] then
            local key = ALIASES[k] or k
            r.match[key] = v
          else
            set_path(r.set, k, v)
          end
        end
      end
      out[#out + 1] = r
    end
    return out
  end
  for i, r in ipairs(rules) do
    local what = "pe.machines: rules[" .. i .. "]"
    if type(r) ~= "table" then fail("%s: expected a table, got %s", what, type(r)) end
    local n = { match = {}, set = r.set or {}, when = r.when, name = r.name or ("rules[" .. i .. "]") }
    if type(n.set) ~= "table" then fail("%s.set: expected a table of options", what) end
    if n.when ~= nil and type(n.when) ~= "function" then
      fail("%s.when: expected a function(facts), got %s", what, type(n.when))
    end
    for k, v in pairs(r) do
      if k ~= "set" and k ~= "when" and k ~= "name" then
        if type(k) ~= "string" then
          fail("%s: keys are fact names, 'set', 'when' or 'name'", what)
        end
        local key = ALIASES[k:lower()] or k:lower()
        local t = type(v)
        if t ~= "string" and t ~= "number" and t ~= "table" and t ~= "function" and v ~= true then
          fail("%s.%s: expected a string, a list, a function or true, got %s", what, k, t)
        end
        if key == "mac" and t == "string" and not v:find("[*?]") and not M.normalize_mac(v) then
          fail("%s.mac: '%s' is not a MAC address", what, v)
        end
        n.match[key] = v
      end
    end
    -- Check the options now (those without templates or functions), so a
    -- typo fails at the recipe's line rather than for some machine.
    local probe = {}
    for k, v in pairs(n.set) do
      if not dynamic(v) then probe[k] = v end
    end
    local ok, err = pcall(U.check_options, probe)
    if not ok then
      if getmetatable(err) then fail("%s.set: %s", what, tostring(err)) end
      error(err, 0)
    end
    out[#out + 1] = n
  end
  return out
end

-- Expand %fact% in string S with FACTS (lists give their first value;
-- unknown names stay).
local function expand(s, facts)
  return (s:gsub("%%([%w_]+)%%", function(name)
    local key = name:lower()
    key = ALIASES[key] or key
    local v = facts[key]
    if type(v) == "table" then v = v[1] end
    if v == nil then return nil end
    return tostring(v)
  end))
end

-- V with functions called with FACTS and strings expanded, recursively;
-- SPEC (the schema entry) keeps `customize` (a function option) as is.
local function evaluate(v, facts, spec)
  if type(v) == "function" then
    if spec and spec.kind == "scalar" and spec.keep_function then return v end
    return evaluate(v(facts), facts, nil)
  elseif type(v) == "string" then
    return expand(v, facts)
  elseif type(v) == "table" then
    local out = {}
    for k, x in pairs(v) do out[k] = evaluate(x, facts, nil) end
    return out
  end
  return v
end

local EMPTY = {}

-- Merge LAYERS (option tables, highest priority first) by FIELDS: a single
-- value from the first layer that has it; records field by field (down to
-- the first layer whose value is not a table: oobe = false); lists
-- concatenated in ORDER (a list of layer indices: unattend, defaults, then
-- the rules in their order); trees deep-merged, higher priority winning.
local function merge(layers, fields, order)
  local out, keys = {}, {}
  for _, l in ipairs(layers) do
    for k in pairs(l) do keys[k] = true end
  end
  for k in pairs(keys) do
    local spec = fields[k]
    if spec and spec.kind == "list" then
      local acc = {}
      for _, i in ipairs(order) do
        local v = layers[i][k]
        if type(v) == "table" then
          for _, x in ipairs(v) do acc[#acc + 1] = x end
        elseif v ~= nil then
          acc[#acc + 1] = v -- lets the check name the wrong type
        end
      end
      out[k] = acc
    elseif spec and spec.kind == "record" then
      local sub, result, cut = {}, nil, false
      for i, l in ipairs(layers) do
        local v = l[k]
        if cut or v == nil then
          sub[i] = EMPTY
        elseif type(v) == "table" then
          sub[i] = v
          result = true
        else
          sub[i] = EMPTY
          cut = true
          if result == nil then result = v end
        end
      end
      if result == true then
        out[k] = merge(sub, spec.fields, order)
      else
        out[k] = result
      end
    elseif spec and spec.kind == "tree" then
      local t = {}
      for i = #layers, 1, -1 do
        if type(layers[i][k]) == "table" then U.merge_tree(t, layers[i][k]) end
      end
      out[k] = t
    else
      for _, l in ipairs(layers) do
        if l[k] ~= nil then out[k] = l[k] break end
      end
    end
  end
  return out
end

-- --------------------------------------------------------------------------
-- pe.machines.

--- The options of pe.machines: `peforge help machines` prints them.
M.OPTIONS = {
  { name = "unattend", type = check.table, default_text = "{}",
    help = "The base: pe.unattend options, or what pe.unattend returned (its input is used)." },
  { name = "inventory", type = check.luatype("string|table", "CSV file or list of tables"),
    help = "The machines: a CSV file (relative to the recipe) or a list of tables of facts "
      .. "(mac, serial, uuid, name, and any other column)." },
  { name = "defaults", type = check.table, default_text = "{}",
    help = "pe.unattend options every machine gets unless a rule sets them." },
  { name = "rules", type = check.table, default_text = "{}",
    help = "A list of rules { FACT = pattern, when = function(facts), set = { options } }, "
      .. "or { csv = FILE }." },
  { name = "dir", type = check.string(), default = "unattend",
    help = "The folder of the answer files on the medium and the share." },
}

--- The help text of `peforge help machines`.
function M.help()
  return check.render("pe.machines{...} options (docs/unattend.md):", M.OPTIONS)
end

--- pe.machines's work, unguarded.
function M.build(opts)
  if type(opts) ~= "table" then fail("pe.machines: expected a table of options, got %s", type(opts)) end
  for k in pairs(opts) do
    if not check.find(M.OPTIONS, k) then
      check.unknown(k, check.names(M.OPTIONS), "pe.machines")
    end
  end
  local dir = caller_dir()
  local base = opts.unattend or {}
  if getmetatable(base) and base.input then base = base.input end
  if type(base) ~= "table" then
    fail("pe.machines: option 'unattend': expected pe.unattend's options or result, got %s",
      type(base))
  end
  local defaults = opts.defaults or {}
  if type(defaults) ~= "table" then
    fail("pe.machines: option 'defaults': expected a table of options, got %s", type(defaults))
  end
  local folder = opts.dir or "unattend"
  if type(folder) ~= "string" or not folder:match("^[%w_%-]+$") then
    fail("pe.machines: option 'dir': expected a folder name (letters, digits, - and _)")
  end
  local rules = read_rules(opts.rules, dir)

  -- The machines: inventory rows, then rules that name a machine.
  local rows = {}
  local inv = opts.inventory
  if type(inv) == "string" or (type(inv) == "table" and inv.csv) then
    local path = type(inv) == "string" and inv or inv.csv
    for _, r in ipairs((read_csv(path, dir, "pe.machines: option 'inventory'"))) do
      rows[#rows + 1] = { row = r, what = path .. ":" .. r._line }
    end
  elseif type(inv) == "table" then
    for i, r in ipairs(inv) do
      if type(r) ~= "table" then
        fail("pe.machines: inventory[%d]: expected a table of facts, got %s", i, type(r))
      end
      rows[#rows + 1] = { row = r, what = "inventory[" .. i .. "]" }
    end
  elseif inv ~= nil then
    fail("pe.machines: option 'inventory': expected a CSV file or a list of machines, got %s",
      type(inv))
  end
  local machines, by_file = {}, {}
  local self = { rules = rules, dir = folder, machines = machines, files = {} }

  local schema = setmetatable({ customize = { kind = "scalar", keep_function = true } },
    { __index = U.schema })

  -- Layers without templates or functions are used as they are.
  local static = setmetatable({}, { __mode = "k" })

  --- The options for FACTS: the layers merged, templates and functions
  -- evaluated.
  function self.resolve(facts)
    local layers = {}
    for _, r in ipairs(rules) do
      if M.matches(r, facts) then layers[#layers + 1] = r.set end
    end
    layers[#layers + 1] = defaults
    layers[#layers + 1] = base
    local ev = {}
    for i, l in ipairs(layers) do
      if static[l] == nil then static[l] = not dynamic(l) end
      if static[l] then
        ev[i] = l
      else
        local e = {}
        for k, v in pairs(l) do e[k] = evaluate(v, facts, schema[k]) end
        ev[i] = e
      end
    end
    local order = { #ev, #ev - 1 }
    for i = 1, #ev - 2 do order[#order + 1] = i end
    local o = merge(ev, U.schema, order)
    -- A name template the machine has no fact for: a random name (the
    -- default file always gets one).
    if type(o.computer_name) == "string" and o.computer_name:find("%%[%w_]+%%") then
      if next(facts) then
        U.warn("pe.machines: computer_name '%s': the machine %s has no such fact; it "
          .. "gets a random name", o.computer_name, tostring((facts.mac or {})[1] or
          facts.serial or facts.uuid or "?"))
      end
      o.computer_name = "*"
    end
    return o
  end

  -- F(...) with a library mistake raised again as this module's.
  local function call(f, ...)
    local ok, res = pcall(f, ...)
    if not ok then
      if getmetatable(res) then fail("%s", tostring(res)) end
      error(res, 0)
    end
    return res
  end

  -- The result for FACTS; with ASYNC its files are still being written
  -- (U.finish gives the texts).
  local function build_for(facts, what, async)
    return call(U.build, self.resolve(facts), what, async)
  end

  -- The file name of machine identifier ID (FW: the firmware of a variant).
  local function name_of(id, fw)
    return fw and (id .. "-" .. fw .. ".xml") or (id .. ".xml")
  end

  local function add_file(name, owner)
    if by_file[name] and by_file[name] ~= owner then
      fail("pe.machines: %s and %s both claim %s: one identifier, one machine",
        by_file[name], owner, name)
    end
    by_file[name] = owner
  end

  -- Machines whose files are being written, oldest first: each gets its
  -- texts (and its files on the medium) in that order.
  local writing, first, last = {}, 1, 0
  local function finish(m)
    local res = call(U.finish, m.result)
    -- Only the texts are kept: the result's model and options (a tree of
    -- tables per machine) would stay alive with every machine, and a
    -- collector walking 10,000 of them took a third of the run.
    m.result, m.text, m.variants = nil, res.text, res.variants
    for _, id in ipairs(m.ids) do
      if res.variants then
        for fw, t in pairs(res.variants) do self.files[folder .. "/" .. name_of(id, fw)] = t end
      else
        self.files[folder .. "/" .. name_of(id)] = res.text
      end
    end
  end
  local function written(m)
    for _, p in ipairs(m.result.pending) do
      if not p.build:ready() then return false end
    end
    return true
  end
  -- Finish the machines already written; with ALL, every machine.
  local function drain(all)
    while writing[first] and (all or written(writing[first])) do
      finish(writing[first])
      writing[first] = nil
      first = first + 1
    end
  end

  local function add_machine(facts, what)
    local ids = {}
    for _, m in ipairs(facts.mac or {}) do ids[#ids + 1] = m end
    if facts.uuid then ids[#ids + 1] = "uuid-" .. facts.uuid end
    if facts.serial then
      local s = M.normalize_serial(facts.serial)
      if s then
        ids[#ids + 1] = "sn-" .. s
      elseif not facts.mac and not facts.uuid then
        fail("pe.machines: %s: serial '%s' cannot name a file (letters, digits, . - _): "
          .. "give its MAC address", what, facts.serial)
      end
    end
    if #ids == 0 then
      fail("pe.machines: %s has no mac, serial or uuid: the start script could not tell "
        .. "it apart", what)
    end
    local res = build_for(facts, "pe.machines: " .. what, true)
    local m = { id = ids[1], ids = ids, facts = facts, result = res, files = {}, what = what }
    for _, id in ipairs(ids) do
      for _, fw in ipairs(res.layout == "auto" and { "bios", "uefi" } or { false }) do
        add_file(name_of(id, fw), what)
        m.files[#m.files + 1] = folder .. "/" .. name_of(id, fw)
      end
    end
    table.sort(m.files)
    machines[#machines + 1] = m
    last = last + 1
    writing[last] = m
    drain(false)
    return m
  end

  local known = {}
  local function add_all()
    for _, r in ipairs(rows) do
      local facts = M.facts(r.row, "pe.machines: " .. r.what)
      local m = add_machine(facts, r.what)
      for _, id in ipairs(m.ids) do known[id] = true end
    end
    -- Rules naming machines by exact MAC, serial or UUID add those machines.
    for _, r in ipairs(rules) do
      local facts, exact = {}, false
      for k, v in pairs(r.match) do
        local list = type(v) == "table" and v or { v }
        local plain = true
        for _, x in ipairs(list) do
          if type(x) ~= "string" or x:find("[*?]") then plain = false end
        end
        if plain and #list > 0 and (k == "mac" or k == "serial" or k == "uuid") then
          facts[k] = (k == "mac") and list or list[1]
          exact = true
        elseif plain and #list == 1 then
          facts[k] = list[1]
        end
      end
      if exact then
        local f = M.facts(facts, "pe.machines: " .. r.name)
        local dup = false
        for _, m in ipairs(f.mac or {}) do dup = dup or known[m] end
        if f.uuid and known["uuid-" .. f.uuid] then dup = true end
        local s = f.serial and M.normalize_serial(f.serial)
        if s and known["sn-" .. s] then dup = true end
        if not dup then
          local m = add_machine(f, r.name)
          for _, id in ipairs(m.ids) do known[id] = true end
        end
      end
    end
  end
  local ok, err = pcall(add_all)
  if not ok then
    -- A machine's mistake found in Lua while earlier machines were still
    -- being written: the first machine's mistake is the one reported,
    -- as when each file was written before the next machine began.
    if check.is_misuse(err) then drain(true) end
    error(err, 0)
  end

  drain(true)

  -- The default file: every machine without a file of its own.
  local dres = build_for({}, "pe.machines: the default answer file")
  self.default = dres.text
  self.default_result = dres
  self.files[folder .. "/default.xml"] = dres.text
  if dres.variants then
    self.files[folder .. "/default-uefi.xml"] = dres.variants.uefi
    self.files[folder .. "/default-bios.xml"] = dres.variants.bios
  end
  for p, t in pairs(dres.files) do
    if p:sub(1, 6) == "$OEM$/" then self.files[folder .. "/" .. p] = t end
  end
  self.count = #machines
  return self
end

--- The machine named ID in SELF: a MAC, UUID, serial number or inventory
-- name; nil when none.
local function find(self, id)
  local mac, uuid = M.normalize_mac(id), M.normalize_uuid(id)
  local low = id:lower()
  for _, m in ipairs(self.machines) do
    for _, x in ipairs(m.ids) do
      if x == mac or x == "uuid-" .. tostring(uuid) or x == "sn-" .. low then return m end
    end
  end
  for _, m in ipairs(self.machines) do
    if type(m.facts.name) == "string" and m.facts.name:lower() == low then return m end
  end
  return nil
end

-- Parse "key=value,key=value" into facts.
local function parse_facts(s)
  local f = {}
  for pair in s:gmatch("[^,]+") do
    local k, v = pair:match("^%s*([%w_]+)%s*=%s*(.-)%s*$")
    if not k then fail("--machine: '%s' is not key=value", pair) end
    f[k:lower()] = v
  end
  return f
end

--- The answer file machine ID gets (the --machine dry run): ID is a MAC
-- address, serial number, UUID or inventory name, optionally with
-- "@bios"/"@uefi" for layout "auto"; or facts "mac=...,model=..." to see
-- what the rules give for them.  A machine the build does not know gets
-- unattend/default.xml, as in WinPE.
local function lookup(self, id)
  if type(id) ~= "string" or id == "" then fail("lookup: expected a machine id") end
  local fw = ""
  local a, b = id:match("^(.*)@(%a+)$")
  if a and (b == "bios" or b == "uefi") then id, fw = a, b end
  local res
  if id:find("=", 1, true) then
    local facts = M.facts(parse_facts(id), "--machine")
    local ok, r = pcall(U.build, self.resolve(facts), "--machine " .. id)
    if not ok then
      if getmetatable(r) then fail("%s", tostring(r)) end
      error(r, 0)
    end
    res = r
  else
    local m = find(self, id)
    if m then
      res = m
    else
      local pe_ok, pe = pcall(require, "peforge")
      if pe_ok and type(pe) == "table" and pe.log then
        pe.log("machine %s is not in the inventory or rules: it gets %s/default.xml", id,
          self.dir)
      end
      res = self.default_result
    end
  end
  if res.variants then return res.variants[fw ~= "" and fw or "uefi"] end
  return res.text
end

-- --------------------------------------------------------------------------
-- The start-script side (scripts/peforge/machines/identify.lua).

local identify = require("peforge.machines.identify").identify

local Machines = {}
Machines.__index = Machines

--- pe.machines{...}: see the module comment.  Returns a table: files
-- (medium path -> text, for the core), machines (list: id, ids, facts,
-- text, variants (layout "auto": firmware -> text), files), rules,
-- default (text), count, and the methods lookup(id), resolve(facts) and
-- identify{root = "I:"}.
M.machines = guard(function(opts)
  local self = M.build(opts)
  self.lookup = function(id) return lookup(self, id) end
  self.identify = guard(function(o) return identify(self, o) end)
  return setmetatable(self, Machines)
end)

--- The identify block without a machines table (default folder "unattend").
M.identify = guard(function(o) return identify(nil, o) end)

setmetatable(M, { __call = function(_, opts) return M.machines(opts) end })

return M
