-- tests/lua/unattend_test.lua - unit tests of pe.unattend and pe.machines
-- (scripts/peforge/unattend.lua, machines.lua).  They need the C module
-- peforge.unattend_core, which only the peforge program has, so this file
-- is run as a recipe:  peforge unattend tests/lua/unattend_test.lua
-- Its "answer file" is "ok N" (N tests) when every test passed; a failing
-- test raises (peforge exits 1 with the message).
local pe = require "peforge"
local U = require "peforge.unattend"
local Mx = require "peforge.machines"
local core = require "peforge.unattend_core"

local n = 0
local function test(name, f)
  local ok, err = pcall(f)
  if not ok then error("test '" .. name .. "' failed: " .. tostring(err), 0) end
  n = n + 1
end
local function eq(got, want, what)
  if got ~= want then
    error(string.format("%s: got %s, want %s", what or "value", tostring(got), tostring(want)), 2)
  end
end
-- The error message of F(...) (it must fail).
local function err_of(f, ...)
  local ok, e = pcall(f, ...)
  assert(not ok, "expected an error")
  return tostring(e)
end
local function has(s, sub, what)
  if not tostring(s):find(sub, 1, true) then
    error(string.format("%s: '%s' not in: %s", what or "text", sub, tostring(s)), 2)
  end
end
-- XPath values of TEXT ("|"-joined).
local function q(text, xpath)
  return table.concat(assert(core.query(text, xpath)), "|")
end

-- ---- options ------------------------------------------------------------------

test("defaults: UEFI disk 0, Pro generic key, en-US, random name, EULA", function()
  local t = pe.unattend({}).text
  eq(q(t, "//u:CreatePartition/u:Type"), "EFI|MSR|Primary")
  eq(q(t, "//u:InstallTo/u:PartitionID"), "3")
  eq(q(t, "//u:UserData/u:ProductKey/u:Key"), "VK7JG-NPHTM-C97JM-9MPGT-3V66T")
  eq(q(t, "//u:settings[@pass='oobeSystem']//u:UILanguage"), "en-US")
  eq(q(t, "//u:ComputerName"), "*")
  eq(q(t, "//u:AcceptEula"), "true")
  eq(q(t, "//u:HideLocalAccountScreen"), "false")
  eq(#U.check(t), 0, "findings")
end)

test("unknown options: did you mean; wrong types name the option", function()
  has(err_of(pe.unattend, { time_zon = "UTC" }), "unknown option 'time_zon' (did you mean 'time_zone'?)")
  has(err_of(pe.unattend, { disk = { wype = false } }), "unknown option 'disk.wype' (did you mean 'disk.wipe'?)")
  has(err_of(pe.unattend, { accept_eula = "maybe" }), "option 'accept_eula': expected a boolean, got 'maybe'")
  has(err_of(pe.unattend, { disk = { id = "x" } }), "option 'disk.id': expected a whole number")
  has(err_of(pe.unattend, { accounts = { { password = "x" } } }), "option 'accounts[1]': the account has no name")
  has(err_of(pe.unattend, { edition = "ultimate" }), "unknown edition 'ultimate'")
  has(err_of(pe.unattend, { product_key = "ABC" }), "expected false, \"generic\" or a key")
  has(err_of(pe.unattend, { edition = 2, product_key = "generic" }), "\"generic\" needs an edition id")
  has(err_of(pe.unattend, { domain = { name = "corp" } }), "option 'domain.user'")
  has(err_of(pe.unattend, { domain = { name = "c", unsecure = true }, workgroup = "W" }), "exclude each other")
  has(err_of(pe.unattend, { autologon = true }), "option 'autologon': no account to log on")
  has(err_of(pe.unattend, { disk = { partition = 2 } }), "only with disk.wipe = false")
  has(err_of(pe.unattend, 5), "expected a table of options, got number")
end)

test("errors point at the caller's line", function()
  local line = debug.getinfo(1, "l").currentline + 1
  local ok, e = pcall(function() local r = pe.unattend { bogus = 1 } return r end)
  assert(not ok)
  has(e, "unattend_test.lua:" .. line .. ": pe.unattend: unknown option 'bogus'")
end)

test("editions: by id, by EditionID, by index, by name", function()
  eq(U.edition("Pro N").id, "ProfessionalN")
  eq(U.edition("professional").key, "VK7JG-NPHTM-C97JM-9MPGT-3V66T")
  local t = pe.unattend({ edition = "education" }).text
  eq(q(t, "//u:ProductKey/u:Key"), "YNMGQ-8RYV3-4PGQ3-C8XTP-7CFBY")
  eq(q(t, "count(//u:MetaData)"), "0")
  t = pe.unattend({ edition = 6 }).text
  eq(q(t, "//u:MetaData/u:Key"), "/IMAGE/INDEX")
  eq(q(t, "//u:MetaData/u:Value"), "6")
  eq(q(t, "count(//u:ProductKey)"), "0")
  t = pe.unattend({ edition = { name = "Windows 11 Pro" }, product_key = "nppr9-fwdcx-d2c8j-h872k-2yt43" }).text
  eq(q(t, "//u:MetaData/u:Value"), "Windows 11 Pro")
  eq(q(t, "//u:UserData/u:ProductKey/u:Key"), "NPPR9-FWDCX-D2C8J-H872K-2YT43")
  eq(q(t, "//u:settings[@pass='specialize']//u:ProductKey"), "NPPR9-FWDCX-D2C8J-H872K-2YT43")
end)

test("passwords are hidden as Windows expects, or plain on request", function()
  local t = pe.unattend({ accounts = { { name = "a", password = "p\u{e9}!" } },
    administrator_password = "x" }).text
  local v = q(t, "//u:LocalAccount/u:Password/u:Value")
  eq(core.decode_password(v, "Password"), "p\u{e9}!")
  eq(q(t, "//u:LocalAccount/u:Password/u:PlainText"), "false")
  eq(core.decode_password(q(t, "//u:AdministratorPassword/u:Value"), "AdministratorPassword"), "x")
  t = pe.unattend({ administrator_password = "x", hide_passwords = false }).text
  eq(q(t, "//u:AdministratorPassword/u:Value"), "x")
  eq(q(t, "//u:AdministratorPassword/u:PlainText"), "true")
end)

test("autologon: the first administrator, its password, a count", function()
  local t = pe.unattend({ accounts = { { name = "u", password = "1", groups = { "Users" } },
    { name = "boss", password = "2" } }, autologon = true }).text
  eq(q(t, "//u:AutoLogon/u:Username"), "boss")
  eq(core.decode_password(q(t, "//u:AutoLogon/u:Password/u:Value"), "Password"), "2")
  eq(q(t, "//u:AutoLogon/u:LogonCount"), "1")
  t = pe.unattend({ administrator_password = "r", autologon = { user = "Administrator", count = 3 } }).text
  eq(q(t, "//u:AutoLogon/u:Username"), "Administrator")
  eq(q(t, "//u:AutoLogon/u:LogonCount"), "3")
  eq(core.decode_password(q(t, "//u:AutoLogon/u:Password/u:Value"), "Password"), "r")
  eq(q(t, "//u:LocalAccount[u:Name='boss']/u:Group"), "")
end)

test("disk layouts: BIOS active system partition, recovery, no wipe, manual", function()
  local t = pe.unattend({ disk = { layout = "bios", recovery = 700 } }).text
  eq(q(t, "//u:ModifyPartition[u:Active='true']/u:PartitionID"), "1")
  eq(q(t, "//u:ModifyPartition[u:TypeID='0x27']/u:PartitionID"), "2")
  eq(q(t, "//u:CreatePartition[2]/u:Size"), "700")
  eq(q(t, "//u:InstallTo/u:PartitionID"), "3")
  t = pe.unattend({ disk = { wipe = false, partition = 2, id = 1 } }).text
  eq(q(t, "count(//u:DiskConfiguration)"), "0")
  eq(q(t, "//u:InstallTo/u:DiskID") .. "/" .. q(t, "//u:InstallTo/u:PartitionID"), "1/2")
  t = pe.unattend({ disk = { wipe = false } }).text
  eq(q(t, "//u:InstallToAvailablePartition"), "true")
  t = pe.unattend({ disk = { layout = "none" } }).text
  eq(q(t, "count(//u:DiskConfiguration|//u:InstallTo)"), "0")
  local r = pe.unattend({ disk = { layout = "auto" } })
  eq(r.layout, "auto")
  eq(r.text, r.variants.uefi)
  eq(r.files["autounattend-bios.xml"], r.variants.bios)
  eq(q(r.variants.bios, "count(//u:CreatePartition[u:Type='EFI'])"), "0")
  has(r.firmware_block { root = "I:" }, "PEFirmwareType")
  has(err_of(r.firmware_block, { root = "I:&x" }), "is not a drive or UNC path")
end)

test("install source and driver paths on the share; credentials domain = server", function()
  local t = pe.unattend({ install_from = { path = [[\\srv\REMINST\]], user = "u", password = "p" },
    drivers = { pe = { [[\\srv\REMINST\drv]] }, system = { { path = [[\\x\y]], user = "a", domain = "D" } } } }).text
  eq(q(t, "//u:InstallFrom/u:Path"), [[\\srv\REMINST\sources\install.wim]])
  eq(q(t, "//u:InstallFrom/u:Credentials/u:Domain"), "srv")
  eq(q(t, "//u:settings[@pass='windowsPE']//u:PathAndCredentials/u:Path"), [[\\srv\REMINST\drv]])
  eq(q(t, "count(//u:settings[@pass='windowsPE']//u:PathAndCredentials/u:Credentials)"), "0")
  eq(q(t, "//u:settings[@pass='offlineServicing']//u:Credentials/u:Domain"), "D")
  t = pe.unattend({ install_from = [[D:\sources\install.esd]] }).text
  eq(q(t, "//u:InstallFrom/u:Path"), [[D:\sources\install.esd]])
end)

test("escape hatch: extra merges, lists append; customize edits the model", function()
  local t = pe.unattend({
    commands = { first_logon = { "a" } },
    extra = { oobeSystem = { ["Microsoft-Windows-Shell-Setup"] = {
      FirstLogonCommands = { { CommandLine = "b" } }, OOBE = { ProtectYourPC = 1 } } },
      specialize = { ["Microsoft-Windows-IE-InternetExplorer"] = { Home_Page = "about:blank" } } },
    customize = function(m) m.settings.specialize["Microsoft-Windows-Shell-Setup"].TimeZone = "UTC" end,
  }).text
  eq(q(t, "//u:SynchronousCommand/u:CommandLine"), "a|b")
  eq(q(t, "//u:SynchronousCommand/u:Order"), "1|2")
  eq(q(t, "//u:ProtectYourPC"), "1")
  eq(q(t, "//u:Home_Page"), "about:blank")
  eq(q(t, "//u:TimeZone"), "UTC")
  -- the escape hatch is checked like the rest
  has(err_of(pe.unattend, { extra = { specialize = { ["Microsoft-Windows-Setup"] = { X = 1 } } } }),
    "component Microsoft-Windows-Setup is not applied in pass specialize")
end)

test("tostring gives the text; check lints any text", function()
  local r = pe.unattend {}
  eq(tostring(r), r.text)
  local f = U.check(r.text:gsub("<ComputerName>%*", "<ComputerName>1234"))
  eq(#f, 1)
  has(f[1], "/ComputerName: ComputerName '1234' is all digits")
end)

-- ---- machines -----------------------------------------------------------------

test("MAC, UUID and serial normalization", function()
  for _, m in ipairs { "00:15:5D:85:6B:0A", "00-15-5d-85-6b-0a", "00155D856B0A", "0015.5d85.6b0a" } do
    eq(Mx.normalize_mac(m), "00-15-5d-85-6b-0a", m)
  end
  eq(Mx.normalize_mac("00:15:5D:85:6B"), nil)
  eq(Mx.normalize_mac("00:15:5D:85:6B:0G"), nil)
  eq(Mx.normalize_uuid("{4C4C4544-0042-3510-8052-B2C04F4E3232}"), "4c4c4544-0042-3510-8052-b2c04f4e3232")
  eq(Mx.normalize_uuid("4C4C4544"), nil)
  eq(Mx.normalize_serial(" CND0370RJ7 "), "cnd0370rj7")
  eq(Mx.normalize_serial("To be filled by O.E.M."), nil)
end)

test("CSV: header, quotes, doubled quotes, commas and newlines in fields, CRLF, BOM, comments", function()
  local rows, header = Mx.parse_csv('\239\187\191Mac, Name ,note\r\n# comment\r\n'
    .. '00:11:22:33:44:55,"A, B","say ""hi""\r\nthere"\r\n\r\n,C,\n', "t.csv")
  eq(#header, 3)
  eq(header[2], "name")
  eq(#rows, 2)
  eq(rows[1].mac, "00:11:22:33:44:55")
  eq(rows[1].name, "A, B")
  eq(rows[1].note, 'say "hi"\r\nthere')
  eq(rows[2].mac, nil)
  eq(rows[2].name, "C")
  eq(rows[2]._line, 6)
  eq(rows[1]._line, 3)
  has(err_of(Mx.parse_csv, 'a,b\n1,2,3\n', "x.csv"), "x.csv: line 2: 3 fields, but the header names 2 columns")
  has(err_of(Mx.parse_csv, 'a\n"open\n', "x.csv"), "x.csv: line 2: a quoted field is not closed")
end)

local function machines(opts) return pe.machines(opts) end

test("first match wins for single values; lists accumulate general to specific", function()
  local m = machines {
    unattend = { time_zone = "UTC", commands = { first_logon = { "base" } }, computer_name = "BASE" },
    defaults = { commands = { first_logon = { "default" } } },
    rules = {
      { room = "lab*", set = { time_zone = "Tokyo Standard Time", commands = { first_logon = { "lab" } } } },
      { room = "*", set = { time_zone = "GMT Standard Time", computer_name = "ANY-%name%",
        commands = { first_logon = { "any" } } } },
    },
    inventory = { { mac = "02:00:00:00:00:01", room = "lab2", name = "X1" },
      { mac = "02:00:00:00:00:02", room = "hall", name = "X2" } },
  }
  local t1, t2 = m.lookup("02:00:00:00:00:01"), m.lookup("X2")
  eq(q(t1, "//u:TimeZone"), "Tokyo Standard Time")
  eq(q(t1, "//u:ComputerName"), "ANY-X1")
  eq(q(t1, "//u:CommandLine"), "base|default|lab|any")
  eq(q(t2, "//u:TimeZone"), "GMT Standard Time")
  eq(q(t2, "//u:CommandLine"), "base|default|any")
  eq(q(m.default, "//u:TimeZone"), "UTC")
  eq(q(m.default, "//u:ComputerName"), "BASE")
  eq(m.count, 2)
end)

test("records merge field by field; a function's nil falls through; templates", function()
  local m = machines {
    unattend = { domain = { name = "corp", user = "j", password = "p", ou = "OU=Base" } },
    rules = {
      { model = "T14", set = { domain = { ou = "OU=%model%,OU=Laptops" } } },
      { when = function(f) return f.site == "paris" end,
        set = { time_zone = function(f) return f.model == "none" and "X" or nil end,
          commands = { first_logon = { "echo %site% %SystemRoot% %mac%" } } } },
      { set = { time_zone = "Romance Standard Time" } },
    },
    inventory = { { mac = "02-00-00-00-00-03", model = "T14", site = "paris" } },
  }
  local t = m.lookup("020000000003")
  eq(q(t, "//u:MachineObjectOU"), "OU=T14,OU=Laptops")
  eq(q(t, "//u:JoinDomain"), "corp")
  eq(q(t, "//u:Credentials/u:Username"), "j")
  eq(q(t, "//u:TimeZone"), "Romance Standard Time")
  eq(q(t, "//u:CommandLine"), "echo paris %SystemRoot% 02-00-00-00-00-03")
end)

test("rules name machines by MAC, serial, UUID; rules from CSV with dotted options", function()
  local dir = os.tmpname()
  os.remove(dir)
  local path = dir .. "-rules.csv"
  local f = assert(io.open(path, "w"))
  f:write("serial,computer_name,domain.ou,oobe.protect_your_pc\nABC123,SER-1,OU=X,1\n")
  f:close()
  local m = machines {
    unattend = { domain = { name = "corp", user = "j", password = "p" } },
    rules = { csv = path, match = "serial" },
  }
  os.remove(path)
  eq(m.count, 1)
  eq(m.machines[1].files[1], "unattend/sn-abc123.xml")
  local t = m.lookup("abc123")
  eq(q(t, "//u:ComputerName"), "SER-1")
  eq(q(t, "//u:MachineObjectOU"), "OU=X")
  eq(q(t, "//u:ProtectYourPC"), "1")
  m = machines { rules = { { mac = { "02:00:00:00:00:0a", "02:00:00:00:00:0b" },
    set = { computer_name = "TWO-NICS" } }, { uuid = "4C4C4544-0042-3510-8052-B2C04F4E3232",
    set = { computer_name = "BY-UUID" } } } }
  eq(m.count, 2)
  eq(m.files["unattend/02-00-00-00-00-0a.xml"], m.files["unattend/02-00-00-00-00-0b.xml"])
  eq(q(m.files["unattend/uuid-4c4c4544-0042-3510-8052-b2c04f4e3232.xml"], "//u:ComputerName"), "BY-UUID")
end)

test("machine mistakes: duplicate MAC, no identifier, bad values, unknown options", function()
  has(err_of(machines, { inventory = { { mac = "02:00:00:00:00:01" }, { mac = "02-00-00-00-00-01" } } }),
    "inventory[1] and inventory[2] both claim 02-00-00-00-00-01.xml")
  has(err_of(machines, { inventory = { { name = "x" } } }), "inventory[1] has no mac, serial or uuid")
  has(err_of(machines, { inventory = { { mac = "zz" } } }), "inventory[1]: mac 'zz' is not a MAC address")
  has(err_of(machines, { rules = { { mac = "1:2", set = {} } } }), "rules[1].mac: '1:2' is not a MAC address")
  has(err_of(machines, { rules = { { room = "a", set = { timezone = "x" } } } }),
    "rules[1].set: unknown option 'timezone' (did you mean 'time_zone'?)")
  has(err_of(machines, { inventry = {} }), "unknown option 'inventry'")
  has(err_of(machines, { inventory = { { mac = "02:00:00:00:00:01", n = "123" } },
    defaults = { computer_name = "%n%" } }), "ComputerName '123' is all digits")
end)

test("a bad value of one machine among many: refused naming it; escapes in every file", function()
  local inv = {}
  for i = 1, 40 do
    inv[i] = { mac = string.format("02:00:00:00:01:%02x", i), name = "PC-" .. i,
      owner = "O'Neil & <S\u{f8}ren> " .. i }
  end
  local opts = { inventory = inv,
    defaults = { computer_name = "%name%", registered_owner = "%owner%" } }
  local m = machines(opts)
  for i = 1, 40 do
    local t = m.files[string.format("unattend/02-00-00-00-01-%02x.xml", i)]
    has(t, "<FullName>O'Neil &amp; &lt;S&#xF8;ren&gt; " .. i .. "</FullName>\r\n")
    has(t, "<ComputerName>PC-" .. i .. "</ComputerName>")
  end
  inv[27].name = "12345"
  local err = err_of(machines, opts)
  has(err, "pe.machines: inventory[27]: the answer file does not pass the checks:")
  has(err, "ComputerName '12345' is all digits")
  inv[27].name, inv[33].owner = "PC-27", "bad\1control"
  has(err_of(machines, opts), "pe.machines: inventory[33]: model.settings.windowsPE"
    .. "[\"Microsoft-Windows-Setup\"].UserData.FullName: text is not valid UTF-8 or holds "
    .. "control characters")
  -- the files are written on other threads while the next machines are
  -- read: still the first machine's mistake is the one reported
  inv[27].name, inv[28].mac = "12345", "zz"
  has(err_of(machines, opts), "pe.machines: inventory[27]: the answer file does not pass the checks:")
  inv[27].name, inv[28].mac, inv[28].owner = "PC-27", "02:00:00:00:01:1c", "bad\1control"
  inv[29].name = "12345"
  has(err_of(machines, opts), "pe.machines: inventory[28]: model.settings.windowsPE")
  inv[33].owner, inv[28].owner, inv[29].name = "x", "y", "PC-29"
  inv[40].name = "12345"
  has(err_of(machines, opts), "pe.machines: inventory[40]: the answer file does not pass the checks:")
  inv[40].name = "PC-40"
end)

test("a name template the machine lacks: random name", function()
  local m = machines { defaults = { computer_name = "%name%" },
    inventory = { { mac = "02:00:00:00:00:01" } } }
  eq(q(m.lookup("02:00:00:00:00:01"), "//u:ComputerName"), "*")
  eq(q(m.default, "//u:ComputerName"), "*")
end)

test("what-if lookups with facts, @bios, unknown machines", function()
  local m = machines { rules = { { room = "lab", set = { disk = { layout = "auto" },
    computer_name = "%name%" } } } }
  local t = m.lookup("mac=02:00:00:00:00:09,room=lab,name=LABX@bios")
  eq(q(t, "//u:ComputerName"), "LABX")
  eq(q(t, "count(//u:CreatePartition[u:Type='EFI'])"), "0")
  eq(m.lookup("02:00:00:00:00:09"), m.default)
end)

test("identify: the block, its options, its checks", function()
  local m = machines {}
  local b = m.identify { root = [[\\srv\REMINST]], var = "UA" }
  has(b, [[set "PF_UA_ROOT=\\srv\REMINST"]])
  has(b, [[set "UA=%PF_UA_FILE%"]])
  has(b, "getmac /fo csv /nh")
  has(b, "ipconfig /all")
  has(b, "wmic csproduct get uuid /value")
  has(b, "wmic bios get serialnumber /value")
  has(Mx.identify { root_var = "PE_DRIVE" }, [[set "PF_UA_DIR=%PE_DRIVE%\unattend"]])
  has(err_of(m.identify, { root = "I:", var = "1x" }), "option 'var'")
  has(err_of(m.identify, { rot = "I:" }), "unknown option 'rot'")
  has(err_of(m.identify, {}), "expected the folder where the share is mapped")
end)

test("finalize: unattend.files join media without replacing the recipe's", function()
  local r = { unattend = pe.unattend { disk = { layout = "auto" } },
    media = { ["autounattend-bios.xml"] = "mine" } }
  r = U.finalize(r)
  eq(r.media["autounattend-bios.xml"], "mine")
  eq(r.media["autounattend-uefi.xml"], r.unattend.variants.uefi)
end)

return { unattend = "ok " .. n .. "\n" }
