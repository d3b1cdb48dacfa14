--- peforge.unattend.options: the options of pe.unattend (and of the `set`
-- tables of pe.machines): the editions peforge knows, a validator per
-- option (built on peforge.check), their kinds for pe.machines' merging,
-- and `check_options`.  `peforge help unattend` prints them.
-- @module peforge.unattend.options
local check = require "peforge.check"
local fail = check.fail

local M = {}

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

-- The validators of peforge.check, naming the option as "option 'NAME'".
local function adapt(t)
  return function(v, name) return t.check(v, "option '" .. name .. "'") end
end

local str = adapt(check.string { numbers = true })
local nonempty = adapt(check.string { numbers = true, nonempty = true })
local bool = adapt(check.boolean)
local function int(min, max) return adapt(check.integer(min, max)) end
local function enum(...) return adapt(check.enum { ... }) end
local fn = adapt(check.func)
local any_table = adapt(check.table)

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

local function unknown(key, fields, where)
  local names = {}
  for k in pairs(fields) do names[#names + 1] = k end
  check.unknown(key, names, nil, "option", where)
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

--- The top-level options for `peforge help unattend`: name, type, default
-- and help (docs/unattend.md has the details); the test suite checks that
-- it names every option of M.schema.
M.DECLS = {
  { name = "arch", type_name = 'one of "amd64", "x86", "arm64"', default = "amd64",
    help = "processorArchitecture of every component." },
  { name = "language", type_name = "string", default = "en-US",
    help = "The default of the five languages and locales below." },
  { name = "setup_language", type_name = "string", default_text = "ui_language",
    help = "The language of Setup's own screens." },
  { name = "ui_language", type_name = "string", default_text = "language", help = "UILanguage." },
  { name = "system_locale", type_name = "string", default_text = "language", help = "SystemLocale." },
  { name = "user_locale", type_name = "string", default_text = "language", help = "UserLocale." },
  { name = "input_locale", type_name = "string", default_text = "language",
    help = "InputLocale: \"de-DE\" or \"0407:00000407\", several separated by ;." },
  { name = "time_zone", type_name = "string", help = "A Windows time zone ID (tzutil /l)." },
  { name = "computer_name", type_name = "string", default_text = '"*" (random)',
    help = "ComputerName: at most 15 characters, not all digits." },
  { name = "registered_owner", type_name = "string", help = "RegisteredOwner and FullName." },
  { name = "registered_organization", type_name = "string", help = "RegisteredOrganization." },
  { name = "edition", type_name = "edition id, image index or { name = ... }", default = "pro",
    help = "The edition to install: home, pro, education, enterprise... (peforge picks it "
      .. "by its generic key), an image index, or { name = }, { description = }." },
  { name = "product_key", type_name = 'false, "generic" or a key',
    default_text = '"generic" with an edition id, else false',
    help = "The key written to UserData/ProductKey." },
  { name = "accept_eula", type_name = "boolean", default = true, help = "UserData/AcceptEula." },
  { name = "install_from", type_name = "path or { path, user, password, domain }",
    help = "ImageInstall/OSImage/InstallFrom (a .wim/.esd/.swm, or a folder of media)." },
  { name = "dynamic_update", type_name = "boolean", help = "DynamicUpdate/Enable." },
  { name = "disk", type_name = "table: layout, id, wipe, partition, efi_size, msr_size, "
      .. "system_size, recovery, windows_size", default_text = 'layout "uefi", disk 0 wiped',
    help = "The target disk and its partitions (layout \"uefi\", \"bios\", \"auto\" or \"none\")." },
  { name = "bypass_requirements", type_name = "boolean", default = false,
    help = "LabConfig: skip Windows 11's TPM, Secure Boot, RAM, CPU and storage checks." },
  { name = "bypass_nro", type_name = "boolean", default = false,
    help = "OOBE without a network (BypassNRO)." },
  { name = "accounts", type_name = "list of { name, password, groups, ... }",
    help = "Local accounts (default group Administrators)." },
  { name = "administrator_password", type_name = "string",
    help = "The built-in Administrator's password." },
  { name = "autologon", type_name = "true, a user name or { user, password, domain, count }",
    help = "AutoLogon." },
  { name = "hide_passwords", type_name = "boolean", default = true,
    help = "Write passwords as Windows hides them (base64), not in plain text." },
  { name = "oobe", type_name = "table or false", default_text = "all screens hidden",
    help = "hide_eula, hide_oem, hide_online_accounts, hide_local_account, hide_wireless, "
      .. "protect_your_pc, network_location, skip_machine_oobe, skip_user_oobe." },
  { name = "commands", type_name = "table: pe, specialize, first_logon (lists of commands)",
    help = "Commands run during Setup." },
  { name = "domain", type_name = "table: name, ou, user, password, user_domain, unsecure",
    help = "Join a domain." },
  { name = "workgroup", type_name = "string", help = "JoinWorkgroup (not with domain)." },
  { name = "drivers", type_name = "table: pe, system, user, password, domain",
    help = "Driver paths for WinPE and for the installed system." },
  { name = "oem", type_name = "boolean or { files = ... }",
    help = "UseConfigurationSet, and $OEM$ files on the medium." },
  { name = "extra", type_name = "table", help = "More settings merged into the model." },
  { name = "customize", type_name = "function", help = "function(model, options, layout) "
      .. "returning the model: the escape hatch." },
}

--- The help text of `peforge help unattend`.
function M.help()
  return check.render("pe.unattend{...} options (docs/unattend.md):", M.DECLS)
end

return M
