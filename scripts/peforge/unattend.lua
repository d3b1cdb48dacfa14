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
-- Errors (peforge.check): misuse raises a message naming the option; the
-- public functions re-raise it at the caller's line.

local check = require "peforge.check"
local fail, guard = check.fail, check.guard
M.fail = fail
M.guard = guard

-- --------------------------------------------------------------------------
-- The options (scripts/peforge/unattend/options.lua).

local O = require "peforge.unattend.options"
M.editions = O.editions
M.edition = O.edition
M.schema = O.schema
M.check_options = O.check_options
M.help = O.help

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

-- The text of a built file: TEXT and FINDINGS are what core.build (or a
-- pending build's result) returned; fails listing the findings when the
-- file does not pass the lint and the XSD.  WHAT names it.
local function built(text, findings, what)
  if not text then fail("%s: %s", what, findings) end
  if #findings > 0 then
    local lines = {}
    for i, f in ipairs(findings) do lines[i] = "  " .. f.xpath .. ": " .. f.message end
    fail("%s: the answer file does not pass the checks:\n%s", what,
      table.concat(lines, "\n"))
  end
  return text
end

--- Build the file of MODEL: returns the text; fails listing the findings
-- when the file does not pass the lint and the XSD, or naming the model
-- path when the model is malformed (text with control characters from a
-- machine's facts...).  WHAT names it (pe.machines: the machine).
local function build_model(model, what)
  local ok, text, findings = pcall(core.build, model, xsd_path())
  if not ok then fail("%s: %s", what, tostring(text)) end
  return built(text, findings, what)
end
M.build_model = build_model

-- The same, the file written on another thread (core.build_async): the
-- model is read (and a malformed one fails) now; returns the pending
-- build, whose result() gives what core.build would have.
local function start_model(model, what)
  local ok, p, msg = pcall(core.build_async, model, xsd_path())
  if not ok then fail("%s: %s", what, tostring(p)) end
  if not p then fail("%s: %s", what, msg) end
  return p
end

local Result = { __tostring = function(r) return r.text end }

--- pe.unattend's work, unguarded (fails with M.fail): the result table.
-- WHAT names the caller in messages ("pe.unattend").  With ASYNC, the
-- files are written on other threads: the result's `pending` lists them,
-- and M.finish(result) waits for them and fills `text` and `variants`
-- (pe.machines goes on with the next machine meanwhile).
function M.build(opts, what, async)
  what = what or "pe.unattend"
  if not has_core then
    fail("%s: answer files are built by the peforge program (its C module "
      .. "peforge.unattend_core): run the recipe with peforge", what)
  end
  local ok, o = pcall(M.resolve, opts)
  if not ok then
    if check.is_misuse(o) then fail("%s: %s", what, o.msg) end
    error(o, 0)
  end
  local layouts = o.disk.layout == "auto" and { "uefi", "bios" } or { o.disk.layout }
  local res = setmetatable({ arch = o.arch, layout = o.disk.layout, options = o,
    input = opts, files = {} }, Result)
  local pending = {}
  for i, layout in ipairs(layouts) do
    local model = model_of(o, layout)
    if o.customize then
      model = o.customize(model, o, layout) or model
    end
    res.model = res.model or model
    if async then
      pending[i] = { layout = layout, what = what, build = start_model(model, what) }
    else
      pending[i] = { layout = layout, text = build_model(model, what) }
    end
  end
  if type(o.oem) == "table" then
    for p, t in pairs(o.oem.files) do
      res.files["$OEM$/" .. p:gsub("\\", "/")] = t
    end
  end
  res.firmware_block = function(bopts) return M.firmware_block(bopts) end
  res.pending = pending
  if not async then M.finish(res) end
  return res
end

--- The texts of RESULT (from M.build): waits for the files written on
-- other threads and fails as M.build would have; returns RESULT.
function M.finish(res)
  local pending = res.pending
  if not pending then return res end
  res.pending = nil
  local variants = {}
  for _, p in ipairs(pending) do
    local text = p.text
    if not text then
      local t, findings = p.build:result()
      text = built(t, findings, p.what)
    end
    variants[p.layout] = text
    res.text = res.text or text
  end
  if res.layout == "auto" then
    res.variants = variants
    res.files["autounattend-uefi.xml"] = variants.uefi
    res.files["autounattend-bios.xml"] = variants.bios
  end
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
    fail("option '%s': expected a variable name (letters, digits, _), got %s", what, check.show(v))
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
      .. "root_var, got %s", what, check.show(root))
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
