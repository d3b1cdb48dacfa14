--- peforge.unattend: the answer file (autounattend.xml) from a few options.
--
--     unattend = pe.unattend {
--       language = "en-US", time_zone = "W. Europe Standard Time",
--       computer_name = "LAB-01", edition = "pro",
--       accounts = { { name = "admin", password = "S3cret!" } },
--       autologon = true,
--     }
--
-- Options become a table model (passes -> components -> settings), the C
-- engine (peforge.unattend_core) builds the XML with libxml2, and the file
-- is linted and validated against peforge's XSD before it is returned:
-- a file peforge writes always passes `peforge unattend --check`.
--
-- The defaults give a working Windows 10/11 x64 UEFI install: en-US, disk
-- 0 wiped and partitioned EFI/MSR/Windows, the Pro edition chosen by its
-- generic key, the EULA accepted, the OOBE screens hidden, a random
-- computer name.  With no account given, Windows asks for one at the end
-- (the only question left).
--
-- The result is a table: `text` (the file, ASCII with CRLF line ends),
-- `arch`, `layout`, `options` (the options after defaults), `model`, and
-- `files` (more files for the boot medium and the share: the two
-- firmware variants of layout "auto", and $OEM$ files).  tostring() gives
-- the text.  docs/unattend.md documents every option.
-- @module peforge.unattend
-- The C engine: only the peforge program has it.  Without it (plain
-- lua5.4) this module loads, and building a file fails with a clear line.
local has_core, core = pcall(require, "peforge.unattend_core")

local M = {}

-- --------------------------------------------------------------------------
-- Errors: misuse raises a message naming the option; the public functions
-- re-raise it at the caller's line.

local Misuse = {}
Misuse.__tostring = function(e) return e.msg end

local function fail(fmt, ...)
  error(setmetatable({ msg = string.format(fmt, ...) }, Misuse), 0)
end
M.fail = fail

--- F wrapped: a `fail` inside becomes an error at the line calling it.
local function guard(f)
  return function(...)
    local res = table.pack(pcall(f, ...))
    if res[1] then
      return table.unpack(res, 2, res.n)
    end
    if getmetatable(res[2]) == Misuse then
      error(res[2].msg, 2)
    end
    error(res[2], 0)
  end
end
M.guard = guard

-- --------------------------------------------------------------------------
-- The editions peforge knows: short id -> Windows EditionID and the generic
-- installation key Microsoft publishes for it (it selects the edition; it
-- does not activate Windows).

M.editions = {
  home = { id = "Core", name = "Home", key = "YTMG3-N6DKC-DKB77-7M9GH-8HVX7" },
  home_n = { id = "CoreN", name = "Home N", key = "4CPRK-NM3K3-X6XXQ-RXX86-WXCHW" },
  home_single_language = { id = "CoreSingleLanguage", name = "Home Single Language",
    key = "BT79Q-G7N6G-PGBYW-4YWX6-6F4BT" },
  pro = { id = "Professional", name = "Pro", key = "VK7JG-NPHTM-C97JM-9MPGT-3V66T" },
  pro_n = { id = "ProfessionalN", name = "Pro N", key = "2B87N-8KFHP-DKV6R-Y2C8J-PKCKT" },
  pro_education = { id = "ProfessionalEducation", name = "Pro Education",
    key = "8PTT6-RNW4C-6V7J2-C2D3X-MHBPB" },
  pro_education_n = { id = "ProfessionalEducationN", name = "Pro Education N",
    key = "GJTYN-HDMQY-FRR76-HVGC7-QPF8P" },
  pro_workstations = { id = "ProfessionalWorkstation", name = "Pro for Workstations",
    key = "DXG7C-N36C4-C4HTG-X4T3X-2YV77" },
  pro_workstations_n = { id = "ProfessionalWorkstationN", name = "Pro N for Workstations",
    key = "WYPNQ-8C467-V2W6J-TX4WX-WT2RQ" },
  education = { id = "Education", name = "Education", key = "YNMGQ-8RYV3-4PGQ3-C8XTP-7CFBY" },
  education_n = { id = "EducationN", name = "Education N", key = "84NGF-MHBT6-FXBX8-QWJK7-DRR8H" },
  enterprise = { id = "Enterprise", name = "Enterprise", key = "XGVPP-NMH47-7TTHJ-W3FW7-8HV2C" },
  enterprise_n = { id = "EnterpriseN", name = "Enterprise N", key = "WGGHN-J84D6-QYCPR-T7PJ7-X766F" },
}

--- The edition entry for ID: a short id ("pro", "pro-n", "Pro N") or a
-- Windows EditionID ("Professional"); nil when unknown.
function M.edition(id)
  if type(id) ~= "string" then return nil end
  local short = id:lower():gsub("[%s%-]+", "_")
  if M.editions[short] then return M.editions[short], short end
  for k, e in pairs(M.editions) do
    if e.id:lower() == id:lower() then return e, k end
  end
  return nil
end

-- --------------------------------------------------------------------------
-- The options: their types, kinds (for pe.machines: "scalar" values are
-- taken from the first rule that sets them, "list" values accumulate,
-- "record" values merge field by field, "tree" values merge deeply) and
-- checks.  A checker gets (value, name) and returns the value (strings
-- from a CSV are converted to numbers and booleans here) or fails.

local function tname(v)
  return type(v) == "string" and ("'" .. v .. "'") or type(v)
end

local function str(v, name)
  if type(v) == "number" then return tostring(v) end
  if type(v) ~= "string" then
    fail("option '%s': expected a string, got %s", name, type(v))
  end
  return v
end

local function nonempty(v, name)
  v = str(v, name)
  if v == "" then fail("option '%s': expected a non-empty string", name) end
  return v
end

local function bool(v, name)
  if type(v) == "string" then
    local l = v:lower()
    if l == "true" or l == "yes" or l == "1" then return true end
    if l == "false" or l == "no" or l == "0" then return false end
  end
  if type(v) ~= "boolean" then
    fail("option '%s': expected a boolean, got %s", name, tname(v))
  end
  return v
end

local function int(min, max)
  return function(v, name)
    if type(v) == "string" and v:match("^%s*%-?%d+%s*$") then v = tonumber(v) end
    if math.type(v) ~= "integer" and not (type(v) == "number" and v == math.floor(v)) then
      fail("option '%s': expected a whole number, got %s", name, tname(v))
    end
    v = math.tointeger(v)
    if v < min or (max and v > max) then
      fail("option '%s': expected a number from %d%s, got %d", name, min,
        max and (" to " .. max) or " up", v)
    end
    return v
  end
end

local function enum(...)
  local allowed = { ... }
  return function(v, name)
    for _, a in ipairs(allowed) do
      if v == a then return v end
    end
    local q = {}
    for i, a in ipairs(allowed) do q[i] = '"' .. tostring(a) .. '"' end
    fail("option '%s': expected %s, got %s", name, table.concat(q, ", "), tname(v))
  end
end

local function fn(v, name)
  if type(v) ~= "function" then
    fail("option '%s': expected a function, got %s", name, type(v))
  end
  return v
end

local function any_table(v, name)
  if type(v) ~= "table" then
    fail("option '%s': expected a table, got %s", name, type(v))
  end
  return v
end

-- A command: a string, or { command, description, reboot, requires_input }.
local function command(v, name)
  if type(v) == "string" then
    if v == "" then fail("option '%s': the command is empty", name) end
    return { command = v }
  end
  if type(v) ~= "table" then
    fail("option '%s': expected a command line or { command = ..., description = ... }, "
      .. "got %s", name, type(v))
  end
  local c = {}
  for k, x in pairs(v) do
    if k == "command" or k == "cmd" or k == 1 then
      c.command = nonempty(x, name .. ".command")
    elseif k == "description" then
      c.description = str(x, name .. ".description")
    elseif k == "reboot" then
      c.reboot = enum("Always", "OnRequest", "Never")(x, name .. ".reboot")
    elseif k == "requires_input" then
      c.requires_input = bool(x, name .. ".requires_input")
    else
      fail("option '%s': unknown key '%s' (command, description, reboot, "
        .. "requires_input)", name, tostring(k))
    end
  end
  if not c.command then fail("option '%s': no command", name) end
  return c
end

-- A UNC (or local) path with optional credentials.
local function path_creds(v, name)
  if type(v) == "string" then return { path = nonempty(v, name) } end
  if type(v) ~= "table" then
    fail("option '%s': expected a path or { path = ..., user = ..., password = ... }, "
      .. "got %s", name, type(v))
  end
  local p = {}
  for k, x in pairs(v) do
    if k == "path" or k == 1 then p.path = nonempty(x, name .. ".path")
    elseif k == "user" or k == "password" or k == "domain" then p[k] = str(x, name .. "." .. k)
    else fail("option '%s': unknown key '%s' (path, user, password, domain)", name, tostring(k))
    end
  end
  if not p.path then fail("option '%s': no path", name) end
  return p
end

local function account(v, name)
  if type(v) ~= "table" then
    fail("option '%s': expected { name = ..., password = ..., groups = ... }, got %s",
      name, type(v))
  end
  local a = {}
  for k, x in pairs(v) do
    if k == "name" then a.name = nonempty(x, name .. ".name")
    elseif k == "password" or k == "display_name" or k == "description" then
      a[k] = str(x, name .. "." .. k)
    elseif k == "group" then a.groups = { nonempty(x, name .. ".group") }
    elseif k == "groups" then
      if type(x) == "string" then x = { x } end
      if type(x) ~= "table" or #x == 0 then
        fail("option '%s.groups': expected a list of group names", name)
      end
      a.groups = {}
      for i, g in ipairs(x) do a.groups[i] = nonempty(g, name .. ".groups[" .. i .. "]") end
    else
      fail("option '%s': unknown key '%s' (name, password, groups, display_name, "
        .. "description)", name, tostring(k))
    end
  end
  if not a.name then fail("option '%s': the account has no name", name) end
  a.groups = a.groups or { "Administrators" }
  return a
end

local function edition(v, name)
  if type(v) == "string" and v:match("^%d+$") then v = tonumber(v) end
  if math.type(v) == "integer" then
    if v < 1 then fail("option '%s': an image index starts at 1", name) end
    return { index = v }
  end
  if type(v) == "string" then
    local e, short = M.edition(v)
    if not e then
      local ids = {}
      for k in pairs(M.editions) do ids[#ids + 1] = k end
      table.sort(ids)
      fail("option '%s': unknown edition '%s' (known: %s; or { name = \"image name\" }, "
        .. "or an image index)", name, v, table.concat(ids, ", "))
    end
    return { id = short }
  end
  if type(v) == "table" then
    local e, n = {}, 0
    for k, x in pairs(v) do
      n = n + 1
      if k == "index" then e.index = int(1)(x, name .. ".index")
      elseif k == "name" or k == "description" then e[k] = nonempty(x, name .. "." .. k)
      elseif k == "id" then return edition(x, name .. ".id")
      else fail("option '%s': unknown key '%s' (index, name, description, id)", name,
        tostring(k))
      end
    end
    if n ~= 1 then fail("option '%s': give one of index, name, description or id", name) end
    return e
  end
  fail("option '%s': expected an edition id (\"pro\"), an image index or "
    .. "{ name = ... }, got %s", name, type(v))
end

local function product_key(v, name)
  if v == false or v == "none" then return false end
  if v == "generic" then return v end
  v = str(v, name)
  local k = v:upper()
  if not k:match("^%w%w%w%w%w%-%w%w%w%w%w%-%w%w%w%w%w%-%w%w%w%w%w%-%w%w%w%w%w$") then
    fail("option '%s': expected false, \"generic\" or a key XXXXX-XXXXX-XXXXX-XXXXX-XXXXX, "
      .. "got '%s'", name, v)
  end
  return k
end

local function autologon(v, name)
  if type(v) == "boolean" or type(v) == "string" then
    if type(v) == "string" and v:lower() == "false" then return false end
    if type(v) == "string" and v:lower() == "true" then return true end
    return v
  end
  if type(v) ~= "table" then
    fail("option '%s': expected true, a user name or { user = ..., count = ... }, got %s",
      name, type(v))
  end
  local a = {}
  for k, x in pairs(v) do
    if k == "user" then a.user = nonempty(x, name .. ".user")
    elseif k == "password" or k == "domain" then a[k] = str(x, name .. "." .. k)
    elseif k == "count" then a.count = int(1, 1000000)(x, name .. ".count")
    else fail("option '%s': unknown key '%s' (user, password, domain, count)", name,
      tostring(k))
    end
  end
  return a
end

local function windows_id(v, name)
  v = nonempty(v, name)
  if not v:match("^[%w%-]+$") then
    fail("option '%s': '%s' is not a language name like en-US", name, v)
  end
  return v
end

local function oem(v, name)
  if type(v) == "boolean" or type(v) == "string" then return bool(v, name) end
  if type(v) ~= "table" then
    fail("option '%s': expected true or { files = { [path] = text } }, got %s", name, type(v))
  end
  for k in pairs(v) do
    if k ~= "files" then fail("option '%s': unknown key '%s' (files)", name, tostring(k)) end
  end
  local files = {}
  for p, t in pairs(any_table(v.files or {}, name .. ".files")) do
    if type(p) ~= "string" or p == "" or p:find("%.%.") or p:match("^[/\\]") then
      fail("option '%s.files': '%s' is not a relative path in $OEM$", name, tostring(p))
    end
    if type(t) ~= "string" and type(t) ~= "table" then
      fail("option '%s.files[\"%s\"]': expected text or { path = ... }", name, p)
    end
    files[p] = t
  end
  return { files = files }
end

--- The options of pe.unattend: name -> { kind, check } or, for records,
-- { kind = "record", fields = { ... } }.
M.schema = {
  arch = { kind = "scalar", check = enum("amd64", "x86", "arm64") },
  language = { kind = "scalar", check = windows_id },
  setup_language = { kind = "scalar", check = windows_id },
  ui_language = { kind = "scalar", check = windows_id },
  system_locale = { kind = "scalar", check = windows_id },
  user_locale = { kind = "scalar", check = windows_id },
  input_locale = { kind = "scalar", check = nonempty },
  time_zone = { kind = "scalar", check = nonempty },
  computer_name = { kind = "scalar", check = nonempty },
  registered_owner = { kind = "scalar", check = str },
  registered_organization = { kind = "scalar", check = str },
  edition = { kind = "scalar", check = edition },
  product_key = { kind = "scalar", check = product_key },
  accept_eula = { kind = "scalar", check = bool },
  install_from = { kind = "scalar", check = path_creds },
  disk = { kind = "record", fields = {
    layout = { kind = "scalar", check = enum("uefi", "bios", "auto", "none") },
    id = { kind = "scalar", check = int(0, 99) },
    wipe = { kind = "scalar", check = bool },
    partition = { kind = "scalar", check = int(1, 128) },
    efi_size = { kind = "scalar", check = int(100, 4096) },
    msr_size = { kind = "scalar", check = int(16, 1024) },
    system_size = { kind = "scalar", check = int(100, 4096) },
    recovery = { kind = "scalar", check = function(v, name)
      if v == true or v == false then return v end
      if type(v) == "string" and (v:lower() == "true" or v:lower() == "false") then
        return v:lower() == "true"
      end
      return int(300, 65536)(v, name)
    end },
    windows_size = { kind = "scalar", check = int(20000) },
  } },
  bypass_requirements = { kind = "scalar", check = bool },
  bypass_nro = { kind = "scalar", check = bool },
  accounts = { kind = "list", check = account },
  administrator_password = { kind = "scalar", check = str },
  autologon = { kind = "scalar", check = autologon },
  hide_passwords = { kind = "scalar", check = bool },
  oobe = { kind = "record", allow_false = true, fields = {
    hide_eula = { kind = "scalar", check = bool },
    hide_oem = { kind = "scalar", check = bool },
    hide_online_accounts = { kind = "scalar", check = bool },
    hide_local_account = { kind = "scalar", check = bool },
    hide_wireless = { kind = "scalar", check = bool },
    protect_your_pc = { kind = "scalar", check = int(1, 3) },
    network_location = { kind = "scalar", check = enum("Home", "Work", "Other") },
    skip_machine_oobe = { kind = "scalar", check = bool },
    skip_user_oobe = { kind = "scalar", check = bool },
  } },
  commands = { kind = "record", fields = {
    pe = { kind = "list", check = command },
    specialize = { kind = "list", check = command },
    first_logon = { kind = "list", check = command },
  } },
  domain = { kind = "record", fields = {
    name = { kind = "scalar", check = nonempty },
    ou = { kind = "scalar", check = nonempty },
    user = { kind = "scalar", check = nonempty },
    password = { kind = "scalar", check = str },
    user_domain = { kind = "scalar", check = nonempty },
    unsecure = { kind = "scalar", check = bool },
  } },
  workgroup = { kind = "scalar", check = nonempty },
  drivers = { kind = "record", fields = {
    pe = { kind = "list", check = path_creds },
    system = { kind = "list", check = path_creds },
    user = { kind = "scalar", check = str },
    password = { kind = "scalar", check = str },
    domain = { kind = "scalar", check = str },
  } },
  oem = { kind = "scalar", check = oem },
  dynamic_update = { kind = "scalar", check = bool },
  extra = { kind = "tree", check = any_table },
  customize = { kind = "scalar", check = fn },
}

-- Edit distance (for "did you mean").
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

local function unknown(key, fields, where)
  local best, bd = nil, 4
  local names = {}
  for k in pairs(fields) do
    names[#names + 1] = k
    local d = distance(tostring(key):lower(), k)
    if d < bd then best, bd = k, d end
  end
  table.sort(names)
  if best then
    fail("unknown option '%s%s' (did you mean '%s%s'?)", where, tostring(key), where, best)
  end
  fail("unknown option '%s%s' (options: %s)", where, tostring(key), table.concat(names, ", "))
end

--- Check OPTS against FIELDS (the schema or a record's fields); returns a
-- checked copy.  PREFIX ("disk.") names nested options in messages.
local function check_fields(opts, fields, prefix)
  local out = {}
  for k, v in pairs(opts) do
    local spec = type(k) == "string" and fields[k]
    if not spec then unknown(k, fields, prefix) end
    local name = prefix .. k
    if spec.kind == "list" then
      if type(v) ~= "table" then
        fail("option '%s': expected a list, got %s", name, type(v))
      end
      local l = {}
      for i, x in ipairs(v) do l[i] = spec.check(x, name .. "[" .. i .. "]") end
      for kk in pairs(v) do
        if math.type(kk) ~= "integer" then
          fail("option '%s': expected a list, got the key '%s'", name, tostring(kk))
        end
      end
      out[k] = l
    elseif spec.kind == "record" then
      if v == false and spec.allow_false then
        out[k] = false
      else
        if type(v) ~= "table" then
          fail("option '%s': expected a table%s, got %s", name,
            spec.allow_false and " or false" or "", type(v))
        end
        out[k] = check_fields(v, spec.fields, name .. ".")
      end
    else
      out[k] = spec.check(v, name)
    end
  end
  return out
end

--- Check OPTS (the table given to pe.unattend); returns a checked copy
-- (without defaults).  Fails naming the option.
function M.check_options(opts)
  if type(opts) ~= "table" then
    fail("expected a table of options, got %s", type(opts))
  end
  return check_fields(opts, M.schema, "")
end

-- --------------------------------------------------------------------------
-- Options -> model.

local function copy(t)
  if type(t) ~= "table" then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = copy(v) end
  return c
end

--- Deep-merge tree B into tree A (in place): tables with names merge,
-- list items are appended, anything else in B replaces A's.
local function merge_tree(a, b)
  for k, v in pairs(b) do
    if math.type(k) == "integer" then
      a[#a + 1] = copy(v)
    elseif type(v) == "table" and type(a[k]) == "table" then
      merge_tree(a[k], v)
    else
      a[k] = copy(v)
    end
  end
  return a
end
M.merge_tree = merge_tree

-- The password element of PW for element NAME, hidden unless told not to.
local function password(pw, element, hide)
  if hide or pw == "" then
    return { Value = assert(core.encode_password(pw, element)), PlainText = false }
  end
  return { Value = pw, PlainText = true }
end

-- Credentials for USER; DOMAIN defaults to the server of the UNC path
-- PATH (a Samba server's own accounts: \\server\share -> "server").
local function credentials(user, pw, domain, path)
  if not user then return nil end
  if not domain and path then domain = path:match("^[\\/][\\/]([^\\/]+)") end
  return { Username = user, Password = pw, Domain = domain }
end

local function install_path(p)
  if p:lower():match("%.wim$") or p:lower():match("%.esd$") or p:lower():match("%.swm$") then
    return p
  end
  return (p:gsub("[\\/]+$", "")) .. "\\sources\\install.wim"
end

-- Partitions of LAYOUT ("uefi"/"bios") for disk options D: a list of
-- { type, size | extend, format, label, letter, active, type_id, role }.
local function partitions(d, layout)
  local recovery = d.recovery
  if recovery == true then recovery = 1000 end
  local rec = recovery and {
    type = "Primary", size = recovery, format = "NTFS", label = "Recovery", role = "recovery",
    type_id = layout == "uefi" and "DE94BBA4-06D1-4D40-A16A-BFD50179D6AC" or "0x27",
  }
  local win = { type = "Primary", size = d.windows_size, extend = not d.windows_size,
    format = "NTFS", label = "Windows", letter = "C", role = "windows" }
  -- The boot partitions first, then recovery and Windows: recovery before
  -- Windows when Windows takes the rest of the disk (DiskConfiguration
  -- cannot leave room after an Extend), after it when Windows has a size.
  local P = {}
  if layout == "uefi" then
    P[#P + 1] = { type = "EFI", size = d.efi_size or 300, format = "FAT32", label = "System",
      role = "system" }
    P[#P + 1] = { type = "MSR", size = d.msr_size or 16, role = "msr" }
  else
    P[#P + 1] = { type = "Primary", size = d.system_size or 300, format = "NTFS",
      label = "System", active = true, role = "system" }
  end
  if rec and not d.windows_size then P[#P + 1] = rec end
  P[#P + 1] = win
  if rec and d.windows_size then P[#P + 1] = rec end
  return P
end
M.partitions = partitions

-- The DiskConfiguration and InstallTo of disk options D for LAYOUT.
local function disk_model(d, layout)
  local id = d.id or 0
  if layout == "none" then return nil, nil end
  if d.wipe == false then
    if not d.partition then
      return nil, nil, true -- InstallToAvailablePartition
    end
    return nil, { DiskID = id, PartitionID = d.partition }
  end
  local parts = partitions(d, layout)
  local create, modify, winpart = {}, {}, nil
  for i, p in ipairs(parts) do
    create[i] = { Type = p.type, Size = p.size, Extend = p.extend or nil }
    if p.format or p.type_id then
      modify[#modify + 1] = { PartitionID = i, Format = p.format, Label = p.label,
        Letter = p.letter, Active = p.active, TypeID = p.type_id }
    end
    if p.role == "windows" then winpart = i end
  end
  return { WillShowUI = "OnError", { DiskID = id, WillWipeDisk = true,
    CreatePartitions = create, ModifyPartitions = modify } },
    { DiskID = id, PartitionID = winpart }
end

local function commands_of(list, kind)
  local out = {}
  for _, c in ipairs(list or {}) do
    if kind == "run" then
      out[#out + 1] = { Path = c.command, Description = c.description, WillReboot = c.reboot }
    else
      out[#out + 1] = { CommandLine = c.command, Description = c.description,
        RequiresUserInput = c.requires_input }
    end
  end
  return out
end

local function driver_paths(list, d)
  local out = {}
  for _, p in ipairs(list or {}) do
    out[#out + 1] = { Path = p.path, Credentials = credentials(p.user or d.user,
      p.password or d.password, p.domain or d.domain, p.path) }
  end
  return out
end

--- The options O (checked, defaults filled) as a model for LAYOUT ("uefi",
-- "bios" or "none"); returns the model.
local function model_of(o, layout)
  local hide = o.hide_passwords ~= false
  local settings = { windowsPE = {}, offlineServicing = {}, specialize = {}, oobeSystem = {} }
  local pe, spec, oobe = settings.windowsPE, settings.specialize, settings.oobeSystem

  -- windowsPE: languages of Setup, disk, image, key, EULA, commands.
  pe["Microsoft-Windows-International-Core-WinPE"] = {
    SetupUILanguage = { UILanguage = o.setup_language },
    InputLocale = o.input_locale, SystemLocale = o.system_locale,
    UILanguage = o.ui_language, UserLocale = o.user_locale,
  }
  local dc, to, available = disk_model(o.disk, layout)
  local ed = o.edition
  local meta = {}
  if ed.index then meta[1] = { Key = "/IMAGE/INDEX", Value = ed.index }
  elseif ed.name then meta[1] = { Key = "/IMAGE/NAME", Value = ed.name }
  elseif ed.description then meta[1] = { Key = "/IMAGE/DESCRIPTION", Value = ed.description }
  end
  local from = o.install_from
  local key = o.product_key
  if key == "generic" then key = M.editions[ed.id].key end
  local run = {}
  if o.bypass_requirements then
    for _, v in ipairs { "BypassTPMCheck", "BypassSecureBootCheck", "BypassRAMCheck",
        "BypassCPUCheck", "BypassStorageCheck" } do
      run[#run + 1] = { Path = "reg.exe add HKLM\\SYSTEM\\Setup\\LabConfig /v " .. v
        .. " /t REG_DWORD /d 1 /f", Description = "Windows 11 requirement bypass: " .. v }
    end
  end
  for _, c in ipairs(commands_of(o.commands.pe, "run")) do run[#run + 1] = c end
  local dyn
  if o.dynamic_update ~= nil then
    dyn = { Enable = o.dynamic_update, WillShowUI = "Never" }
  end
  pe["Microsoft-Windows-Setup"] = {
    DiskConfiguration = dc,
    ImageInstall = { OSImage = {
      InstallFrom = (from or #meta > 0) and {
        Path = from and install_path(from.path),
        Credentials = from and credentials(from.user, from.password, from.domain, from.path),
        table.unpack(meta),
      } or nil,
      InstallTo = to,
      InstallToAvailablePartition = available or nil,
      WillShowUI = "OnError",
    } },
    UserData = {
      AcceptEula = o.accept_eula,
      FullName = o.registered_owner, Organization = o.registered_organization,
      ProductKey = key and { Key = key, WillShowUI = "OnError" } or nil,
    },
    RunSynchronous = run,
    DynamicUpdate = dyn,
    UseConfigurationSet = o.oem and true or nil,
  }
  if #o.drivers.pe > 0 then
    pe["Microsoft-Windows-PnpCustomizationsWinPE"] = {
      DriverPaths = driver_paths(o.drivers.pe, o.drivers) }
  end
  if #o.drivers.system > 0 then
    settings.offlineServicing["Microsoft-Windows-PnpCustomizationsNonWinPE"] = {
      DriverPaths = driver_paths(o.drivers.system, o.drivers) }
  end

  -- specialize: name, time zone, key, domain, commands.
  spec["Microsoft-Windows-Shell-Setup"] = {
    ComputerName = o.computer_name, TimeZone = o.time_zone,
    ProductKey = (o.product_key ~= "generic" and key) or nil,
  }
  local srun = {}
  if o.bypass_nro then
    srun[1] = { Path = "reg.exe add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\OOBE "
      .. "/v BypassNRO /t REG_DWORD /d 1 /f", Description = "allow setup without a network" }
  end
  for _, c in ipairs(commands_of(o.commands.specialize, "run")) do srun[#srun + 1] = c end
  spec["Microsoft-Windows-Deployment"] = { RunSynchronous = srun }
  if o.domain.name then
    local d = o.domain
    spec["Microsoft-Windows-UnattendedJoin"] = { Identification = {
      JoinDomain = d.name, MachineObjectOU = d.ou,
      Credentials = credentials(d.user, d.password, d.user_domain or d.name),
      UnsecureJoin = d.unsecure or nil,
    } }
  elseif o.workgroup then
    spec["Microsoft-Windows-UnattendedJoin"] = { Identification = {
      JoinWorkgroup = o.workgroup } }
  end

  -- oobeSystem: languages, OOBE, accounts, autologon, first logon.
  oobe["Microsoft-Windows-International-Core"] = {
    InputLocale = o.input_locale, SystemLocale = o.system_locale,
    UILanguage = o.ui_language, UserLocale = o.user_locale,
  }
  local accounts = {}
  for _, a in ipairs(o.accounts) do
    accounts[#accounts + 1] = {
      Name = a.name, DisplayName = a.display_name, Description = a.description,
      Group = table.concat(a.groups, ";"),
      Password = password(a.password or "", "Password", hide),
    }
  end
  local shell = {
    UserAccounts = {
      AdministratorPassword = o.administrator_password and
        password(o.administrator_password, "AdministratorPassword", hide),
      LocalAccounts = accounts,
    },
    FirstLogonCommands = commands_of(o.commands.first_logon, "logon"),
    RegisteredOwner = o.registered_owner,
    RegisteredOrganization = o.registered_organization,
  }
  if o.oobe then
    local ob = o.oobe
    shell.OOBE = {
      HideEULAPage = ob.hide_eula, HideOEMRegistrationScreen = ob.hide_oem,
      HideOnlineAccountScreens = ob.hide_online_accounts,
      HideLocalAccountScreen = ob.hide_local_account,
      HideWirelessSetupInOOBE = ob.hide_wireless, ProtectYourPC = ob.protect_your_pc,
      NetworkLocation = ob.network_location, SkipMachineOOBE = ob.skip_machine_oobe,
      SkipUserOOBE = ob.skip_user_oobe,
    }
  end
  if o.autologon then
    local al = o.autologon
    shell.AutoLogon = { Enabled = true, Username = al.user, Domain = al.domain,
      LogonCount = al.count,
      Password = al.password and password(al.password, "Password", hide) }
  end
  oobe["Microsoft-Windows-Shell-Setup"] = shell

  local model = { arch = o.arch, settings = settings }
  if o.extra then merge_tree(model.settings, o.extra) end
  return model
end

--- The options OPTS (as given, or checked) with every default filled in:
-- the table the model is made from.  Fails naming the option.
function M.resolve(opts)
  local o = copy(M.check_options(opts))
  o.arch = o.arch or "amd64"
  o.language = o.language or "en-US"
  o.ui_language = o.ui_language or o.language
  o.setup_language = o.setup_language or o.ui_language
  o.system_locale = o.system_locale or o.language
  o.user_locale = o.user_locale or o.language
  o.input_locale = o.input_locale or o.language
  o.computer_name = o.computer_name or "*"
  if o.computer_name:lower() == "random" then o.computer_name = "*" end
  if o.accept_eula == nil then o.accept_eula = true end
  o.edition = o.edition or { id = "pro" }
  if o.product_key == nil then o.product_key = o.edition.id and "generic" or false end
  if o.product_key == "generic" and not o.edition.id then
    fail("option 'product_key': \"generic\" needs an edition id (edition = \"pro\"...), "
      .. "not an image index or name")
  end
  o.disk = o.disk or {}
  o.disk.layout = o.disk.layout or "uefi"
  if o.disk.wipe == nil then o.disk.wipe = true end
  o.disk.id = o.disk.id or 0
  if o.disk.partition and o.disk.wipe then
    fail("option 'disk.partition': only with disk.wipe = false (a wiped disk gets "
      .. "peforge's partitions)")
  end
  o.commands = o.commands or {}
  for _, k in ipairs { "pe", "specialize", "first_logon" } do
    o.commands[k] = o.commands[k] or {}
  end
  o.accounts = o.accounts or {}
  local seen = {}
  for i, a in ipairs(o.accounts) do
    if seen[a.name:lower()] then
      fail("option 'accounts[%d]': the account '%s' is given twice", i, a.name)
    end
    seen[a.name:lower()] = a
  end
  o.drivers = o.drivers or {}
  o.drivers.pe = o.drivers.pe or {}
  o.drivers.system = o.drivers.system or {}
  o.domain = o.domain or {}
  if next(o.domain) and not o.domain.name then
    fail("option 'domain.name': the domain to join is missing")
  end
  if o.domain.name and o.workgroup then
    fail("options 'domain' and 'workgroup' exclude each other")
  end
  if o.domain.name and not o.domain.user and not o.domain.unsecure then
    fail("option 'domain.user': joining %s needs an account allowed to join "
      .. "(domain.user and domain.password), or domain.unsecure = true", o.domain.name)
  end
  if o.oobe ~= false then
    local ob = o.oobe or {}
    local function dflt(k, v) if ob[k] == nil then ob[k] = v end end
    dflt("hide_eula", true)
    dflt("hide_oem", true)
    dflt("hide_online_accounts", true)
    dflt("hide_wireless", true)
    dflt("protect_your_pc", 3)
    dflt("hide_local_account", #o.accounts > 0 or o.administrator_password ~= nil)
    o.oobe = ob
  end
  -- AutoLogon: true = the first administrator account (or Administrator).
  local al = o.autologon
  if al == true or type(al) == "string" then
    local user = type(al) == "string" and al or nil
    if not user then
      for _, a in ipairs(o.accounts) do
        for _, g in ipairs(a.groups) do
          if not user and g:lower() == "administrators" then user = a.name end
        end
      end
      user = user or (o.accounts[1] and o.accounts[1].name)
      if not user and o.administrator_password then user = "Administrator" end
      if not user then
        fail("option 'autologon': no account to log on (give accounts, "
          .. "administrator_password, or autologon = { user = ..., password = ... })")
      end
    end
    al = { user = user }
  end
  if type(al) == "table" then
    if not al.user then fail("option 'autologon.user': missing") end
    if al.password == nil then
      local a = seen[al.user:lower()]
      if a then
        al.password = a.password or ""
      elseif al.user:lower() == "administrator" then
        al.password = o.administrator_password
      end
    end
    al.count = al.count or 1
    o.autologon = al
  end
  return o
end

local function xsd_path()
  local ok, pecore = pcall(require, "peforge.core")
  local dir = ok and type(pecore) == "table" and pecore.datadir
  return dir and (dir .. "/unattend/peforge-unattend.xsd") or nil
end
M.xsd_path = xsd_path

--- Build the file of MODEL: returns the text; fails listing the findings
-- when the file does not pass the lint and the XSD.  WHAT names it.
local function build_model(model, what)
  local text, findings = core.build(model, xsd_path())
  if not text then fail("%s: %s", what, findings) end
  if #findings > 0 then
    local lines = {}
    for i, f in ipairs(findings) do lines[i] = "  " .. f.xpath .. ": " .. f.message end
    fail("%s: the answer file does not pass the checks:\n%s", what,
      table.concat(lines, "\n"))
  end
  return text
end
M.build_model = build_model

local Result = { __tostring = function(r) return r.text end }

--- pe.unattend's work, unguarded (fails with M.fail): the result table.
-- WHAT names the caller in messages ("pe.unattend").
function M.build(opts, what)
  what = what or "pe.unattend"
  if not has_core then
    fail("%s: answer files are built by the peforge program (its C module "
      .. "peforge.unattend_core): run the recipe with peforge", what)
  end
  local ok, o = pcall(M.resolve, opts)
  if not ok then
    if getmetatable(o) == Misuse then fail("%s: %s", what, o.msg) end
    error(o, 0)
  end
  local layouts = o.disk.layout == "auto" and { "uefi", "bios" } or { o.disk.layout }
  local res = setmetatable({ arch = o.arch, layout = o.disk.layout, options = o,
    input = opts, files = {} }, Result)
  local variants = {}
  for _, layout in ipairs(layouts) do
    local model = model_of(o, layout)
    if o.customize then
      model = o.customize(model, o, layout) or model
    end
    local text = build_model(model, what)
    variants[layout] = text
    res.model = res.model or model
    res.text = res.text or text
  end
  if o.disk.layout == "auto" then
    res.variants = variants
    res.files["autounattend-uefi.xml"] = variants.uefi
    res.files["autounattend-bios.xml"] = variants.bios
  end
  if type(o.oem) == "table" then
    for p, t in pairs(o.oem.files) do
      res.files["$OEM$/" .. p:gsub("\\", "/")] = t
    end
  end
  res.firmware_block = function(bopts) return M.firmware_block(bopts) end
  return res
end

-- --------------------------------------------------------------------------
-- The start-script side: choosing the file by firmware at install time.

local function batch_lib()
  local ok, b = pcall(require, "peforge.batch")
  return ok and b or nil
end

--- The batch line setting NAME to VALUE (through peforge.batch's one
-- escaping function).
local function set_line(name, value)
  local b = batch_lib()
  if b then return b.set(name, value) end
  if value:find('[%%!"\r\n]') then
    fail("'%s' cannot be written into the start script", value)
  end
  return 'set "' .. name .. "=" .. value .. '"'
end
M.set_line = set_line

local function varname(v, what)
  if type(v) ~= "string" or not v:match("^[%a_][%w_]*$") then
    fail("option '%s': expected a variable name (letters, digits, _), got %s", what, tname(v))
  end
  return v
end

--- The batch line that sets the variable PF_ROOT_VAR to the folder ROOT
-- (opts.root: a drive "I:" or a UNC path, or opts.root_var: the name of a
-- variable the script set before).  Returns the line and the reference.
function M.root_line(opts, what)
  if opts.root_var then
    return nil, "%" .. varname(opts.root_var, what .. ".root_var") .. "%"
  end
  local root = opts.root
  if type(root) ~= "string" or root == "" then
    fail("option '%s.root': expected the folder where the share is mapped (\"I:\") or "
      .. "root_var, got %s", what, tname(root))
  end
  root = root:gsub("[\\/]+$", "")
  if not root:match("^[%w:\\%.%$_%- ]+$") then
    fail("option '%s.root': '%s' is not a drive or UNC path peforge can use (letters, "
      .. "digits, : \\ . $ _ - and blanks)", what, root)
  end
  return set_line("PF_UA_ROOT", root), "%PF_UA_ROOT%"
end

--- Batch lines (LF line ends) that read the firmware type of WinPE
-- (reg query HKLM\System\CurrentControlSet\Control /v PEFirmwareType: 0x1
-- BIOS, 0x2 UEFI) into %PF_FIRMWARE% ("bios" or "uefi"; "uefi" when the
-- value cannot be read).
function M.firmware_lines()
  return table.concat({
    "rem peforge: firmware type (PEFirmwareType 0x1 = BIOS, 0x2 = UEFI)",
    'set "PF_FIRMWARE=uefi"',
    'for /f "tokens=1,3" %%a in (\'reg query HKLM\\System\\CurrentControlSet\\Control '
      .. '/v PEFirmwareType 2^>nul\') do if /i "%%a"=="PEFirmwareType" if "%%b"=="0x1" '
      .. 'set "PF_FIRMWARE=bios"',
  }, "\n")
end

--- The start-script block for layout "auto": sets %VAR% (PF_UNATTEND) to
-- ROOT\autounattend-uefi.xml or ROOT\autounattend-bios.xml by the firmware
-- WinPE booted with.  Options: root ("I:") or root_var, var.
M.firmware_block = guard(function(opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("firmware_block: expected a table of options") end
  local line, ref = M.root_line(opts, "firmware_block")
  local var = varname(opts.var or "PF_UNATTEND", "firmware_block.var")
  local L = { M.firmware_lines() }
  if line then L[#L + 1] = line end
  L[#L + 1] = 'set "' .. var .. "=" .. ref .. '\\autounattend-%PF_FIRMWARE%.xml"'
  return table.concat(L, "\n") .. "\n"
end)

--- Log a warning on peforge's stderr (string.format arguments).
function M.warn(fmt, ...)
  local ok, pecore = pcall(require, "peforge.core")
  local msg = string.format(fmt, ...)
  if ok and type(pecore) == "table" and pecore.log then
    pecore.log("warn", msg)
  else
    io.stderr:write("peforge: warning: ", msg, "\n")
  end
end

--- Finalizer (registered by init.lua): the result's `files` (firmware
-- variants of layout "auto", $OEM$ files) join the recipe's `media`, so
-- they reach the boot medium's root and the share's, beside
-- autounattend.xml.  A file `media` already names is left as it is.
function M.finalize(recipe)
  local files = recipe.unattend.files
  if next(files) == nil then return recipe end
  if recipe.media ~= nil and type(recipe.media) ~= "table" then return recipe end
  recipe.media = recipe.media or {}
  for path, text in pairs(files) do
    if recipe.media[path] == nil then
      recipe.media[path] = text
    else
      M.warn("unattend: media[\"%s\"] is given by the recipe: peforge's file is not used",
        path)
    end
  end
  return recipe
end

--- pe.unattend{...}: the answer file (see the module comment).
M.unattend = guard(function(opts) return M.build(opts) end)

--- Lint (and validate) the answer file TEXT: a list of "XPATH: message".
M.check = guard(function(text)
  if type(text) == "table" then text = text.text end
  if type(text) ~= "string" then fail("check: expected the answer file text") end
  if not has_core then fail("check: needs the peforge program") end
  local f, err = core.check(text, xsd_path())
  if not f then fail("check: %s", err) end
  local out = {}
  for i, x in ipairs(f) do out[i] = x.xpath .. ": " .. x.message end
  return out
end)

setmetatable(M, { __call = function(_, opts) return M.unattend(opts) end })

return M
