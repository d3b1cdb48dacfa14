-- tests/lua/test_startcmd.lua - pe.startcmd and pe.netuse: the lines the
-- generated start.cmd must hold, its structure (CRLF, labels, no delayed
-- expansion), the option checks and their messages.  (tests/startcmd.test
-- runs the scripts under Wine's cmd with stand-in WinPE programs.)
local H = require "harness"
local pe = require "peforge"

-- Every `goto X` / `call :X` has a label :X; returns the set of labels.
local function check_labels(lines)
  local labels = {}
  for _, l in ipairs(lines) do
    local name = l:match("^:([%w_]+)%s*$")
    if name then
      if labels[name:lower()] then error("label defined twice: " .. name) end
      labels[name:lower()] = true
    end
  end
  for _, l in ipairs(lines) do
    for target in l:gmatch("goto%s+:?([%w_]+)") do
      if target:lower() ~= "eof" and not labels[target:lower()] then
        error("goto to an undefined label: " .. l)
      end
    end
    for target in l:gmatch("call%s+:([%w_]+)") do
      if not labels[target:lower()] then error("call of an undefined label: " .. l) end
    end
  end
  return labels
end

-- The index of the line equal to LINE.
local function index_of(lines, line)
  for i, l in ipairs(lines) do
    if l == line then return i end
  end
end

H.test("the default guest script: structure and the lines that matter", function()
  local s = pe.startcmd { netuse = { server = "gateway", guest = true } }
  local L = H.crlf_lines(s.text)
  check_labels(L)
  H.eq(L[1], "@echo off")
  H.eq(index_of(L, "setlocal EnableExtensions DisableDelayedExpansion") < 6, true,
    "delayed expansion off at the top")
  H.hasnt(s.text, "EnableDelayedExpansion", "never enabled")
  H.has(s.text, 'set "PE_LOG=X:\\peforge.log"')
  local drivers = index_of(L, "rem peforge:drivers")
  local wpeinit = index_of(L, 'wpeinit >>"%PE_LOG%" 2>&1')
  local net = index_of(L, [[net use I: \\%PE_SERVER%\REMINST /user:guest guest >"%TEMP%\peforge-net.txt" 2>&1]])
  local setup = index_of(L, [[I:\setup.exe /unattend:I:\autounattend.xml]])
  H.eq(type(drivers) == "number" and type(wpeinit) == "number" and type(net) == "number"
    and type(setup) == "number", true, "marker, wpeinit, net use and setup lines present")
  H.eq(drivers < wpeinit and wpeinit < net and net < setup, true, "in that order")
  H.has(s.text, 'find "Gateway"', "gateway read from ipconfig")
  H.has(s.text, 'if %PE_WAIT% geq 30 goto pe_wait_fail', "bounded wait")
  H.has(s.text, 'if %PE_NET_TRY% geq 5 goto pe_net_I_fail', "bounded retries")
  H.has(s.text, "ping -n 6 127.0.0.1 >nul", "5 s between tries")
  H.has(s.text, [[if exist "I:\setup.exe" goto pe_have_setup]])
  H.has(s.text, [[if exist "I:\autounattend.xml" goto pe_have_unattend]])
  H.has(s.text, ":pe_fail\r\n", "failure label")
  H.has(s.text, "cmd /k\r\n", "a prompt instead of a reboot")
  H.hasnt(s.text, "wpeutil reboot", "no reboot by default")
  for _, l in ipairs(L) do
    if #l > 8191 then error("line too long") end
  end
  H.eq(s.drive, "I:")
  H.eq(s.share, "REMINST")
  H.eq(s.server, "gateway")
  H.eq(s.guest, true)
  H.eq(s.netuse.command, [[net use I: \\gateway\REMINST /user:guest guest]])
end)

H.test("every error number is explained, with the smb.conf fix", function()
  local s = pe.startcmd { netuse = { guest = true } }
  for _, code in ipairs { "5", "53", "58", "64", "67", "85", "86", "1219", "1231", "1272", "1326" } do
    H.has(s.text, 'if "%PE_NET_ERR%"=="' .. code .. '" goto pe_net_I_e' .. code)
    H.has(s.text, ":pe_net_I_e" .. code .. "\r\necho peforge: System error " .. code .. ": ")
  end
  H.has(s.text, "echo peforge:       map to guest = Bad User", "58: the smb.conf fix")
  H.has(s.text, "echo peforge:       server min protocol = SMB2")
  H.has(s.text, [[for /f "tokens=3" %%e in ('type "%TEMP%\peforge-net.txt" ^| find "System error"')]],
    "the error number read from net's output")
  -- guest-only advice in guest mode, user advice in authenticated mode
  H.has(s.text, "The server rejected the made-up user name")
  H.hasnt(s.text, "Wrong password, or the user has no Samba password")
  local a = pe.startcmd { netuse = { guest = false, user = "deploy", password = "pw" } }
  H.has(a.text, "smbpasswd -a deploy")
  H.hasnt(a.text, "made-up user name is a real")
  -- 1272 in authenticated mode: the session became a guest one
  H.has(a.text, "'map to guest = bad user' in its")
  H.hasnt(a.text, "Use authenticated mode")
  H.has(s.text, "Use authenticated mode", "1272 in guest mode: switch modes")
  -- the default: the deployment account with the generated password,
  -- which no message shows
  local d = pe.startcmd { netuse = {} }
  H.eq(d.user, "peforge-deploy")
  local pw = d.text:match("/user:peforge%-deploy (%w+) >")
  H.eq(type(pw) == "string" and #pw >= 16, true, "a generated password")
  for _, l in ipairs(H.crlf_lines(d.text)) do
    if l:find("^echo ") or l:find('^>>"%%PE_LOG%%" echo') then H.hasnt(l, pw) end
  end
  -- a rerun removes the mapping an earlier run made before mapping again
  H.has(a.text, "net use I: /delete /y >nul 2>&1\r\nnet use I: ")
end)

H.test("server modes: fixed name or address, gateway, dhcp", function()
  local f = pe.netuse { server = "10.1.2.3" }
  H.has(f.text, 'set "PE_SERVER=10.1.2.3"')
  H.hasnt(f.text, "('ipconfig")
  H.hasnt(f.text, "noserver")
  local d = pe.netuse { server = "dhcp" }
  H.has(d.text, [[('ipconfig /all ^| find "DHCP Server"') do call :pe_net_I_server %%b]])
  local g = pe.netuse { server = "gateway", drive = "z:" }
  H.has(g.text, ":pe_net_Z_server\r\n", "labels per drive letter")
  H.eq(g.drive, "Z:")
  H.has(pe.netuse { server = "deploy-01.lab" }.text, 'set "PE_SERVER=deploy-01.lab"')
end)

H.test("authenticated mode: real credentials, quoted as needed, never echoed", function()
  local s = pe.startcmd { netuse = { guest = false, user = "deploy", domain = "SRV",
    password = "p&ss w%rd!", share = "Win 11" } }
  H.has(s.text, [[net use I: "\\%PE_SERVER%\Win 11" /user:SRV\deploy "p&ss w%%rd!" >"%TEMP%]])
  for _, l in ipairs(H.crlf_lines(s.text)) do
    if l:find("^echo ") or l:find('^>>"%%PE_LOG%%" echo') then
      H.hasnt(l, "p^&ss", "password in a message")
      H.hasnt(l, "w%%rd", "password in a message")
    end
  end
  H.has(s.text, "/user:SRV\\deploy ********")
  H.eq(s.guest, false)
  H.eq(s.user, "deploy")
end)

H.test("insecure_guest adds the two registry settings before mapping", function()
  local s = pe.netuse { insecure_guest = true, guest = true }
  H.has(s.text, [[reg add "HKLM\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters" /v AllowInsecureGuestAuth /t REG_DWORD /d 1 /f >nul]])
  H.has(s.text, "/v RequireSecuritySignature /t REG_DWORD /d 0 /f >nul")
  H.hasnt(pe.netuse {}.text, "reg add")
end)

H.test("options: wpeinit, wait, tries, drivers, run, after, log", function()
  local s = pe.startcmd { wpeinit = false, wait = false, netuse = { tries = 2, delay = 0 },
    drivers = { [[X:\drivers\net (e1000)\e1000.inf]] }, after = "reboot",
    log = [[X:\logs\my log.txt]] }
  H.hasnt(s.text, "\r\nwpeinit")
  H.hasnt(s.text, "pe_wait")
  H.has(s.text, "if %PE_NET_TRY% geq 2 goto")
  H.has(s.text, "ping -n 1 127.0.0.1 >nul")
  H.has(s.text, [[drvload "X:\drivers\net (e1000)\e1000.inf" >>"%PE_LOG%" 2>&1]])
  H.eq(s.text:find("rem peforge:drivers", 1, true) < s.text:find("drvload", 1, true), true)
  H.has(s.text, "wpeutil reboot")
  H.has(s.text, [[set "PE_LOG=X:\logs\my log.txt"]])
  check_labels(H.crlf_lines(s.text))
  local w = pe.startcmd { netuse = { server = "dhcp" }, wait = "server", wait_tries = 7, wait_delay = 4 }
  H.has(w.text, 'ping -n 1 -w 1000 %PE_SERVER% | find "TTL=" >nul')
  H.has(w.text, "if %PE_WAIT% geq 7 goto pe_wait_fail")
  H.has(w.text, "ping -n 5 127.0.0.1 >nul")
  check_labels(H.crlf_lines(w.text))
  local r = pe.startcmd { netuse = {}, run = [[I:\sources\setup.exe /unattend:I:\a&b.xml /noreboot]] }
  H.has(r.text, "\r\nI:\\sources\\setup.exe /unattend:I:\\a^&b.xml /noreboot\r\n")
  H.hasnt(r.text, "pe_have_setup", "no check for a custom command")
  local l = pe.startcmd { run = { [[I:\my tools\x.exe]], "a&b" } }
  H.has(l.text, [["I:\my tools\x.exe" "a&b"]])
  local raw = pe.startcmd { run = { raw = "call %SYSTEMDRIVE%\\custom.cmd %COMPUTERNAME%" } }
  H.has(raw.text, "\r\ncall %SYSTEMDRIVE%\\custom.cmd %COMPUTERNAME%\r\n")
  local none = pe.startcmd {}
  H.hasnt(none.text, "net use")
  H.hasnt(none.text, "setup.exe")
  local noua = pe.startcmd { netuse = {}, unattend = false, setup = "sources/setup.exe" }
  H.has(noua.text, "\r\nI:\\sources\\setup.exe\r\n")
  H.hasnt(noua.text, "/unattend")
end)

H.test("misuse: unknown options, wrong types and bad values are named", function()
  H.raises(function() pe.startcmd { colour = 1 } end, "pe.startcmd: unknown option 'colour'")
  -- one boolean rule (peforge.check): the words of -D are booleans too
  H.hasnt(pe.startcmd { wpeinit = "no" }.text, "wpeinit", "wpeinit = \"no\"")
  H.raises(function() pe.startcmd { wpeinit = {} } end,
    "pe.startcmd: option 'wpeinit': expected boolean, got table")
  H.raises(function() pe.startcmd { wpeinit = "maybe" } end,
    "pe.startcmd: option 'wpeinit': expected a boolean, got 'maybe'")
  H.raises(function() pe.startcmd(5) end, "expected a table of options, got number")
  H.raises(function() pe.startcmd { wait = "later" } end, "option 'wait'")
  H.raises(function() pe.startcmd { wait = "server" } end, "needs netuse")
  H.raises(function() pe.startcmd { after = "dance" } end, "option 'after'")
  H.raises(function() pe.startcmd { run = { raw = 5 } } end, "run.raw")
  H.raises(function() pe.startcmd { run = true } end, "option 'run'", "got true")
  H.hasnt(pe.startcmd { netuse = {}, run = false }.text, "setup.exe", "run = false: no command")
  H.raises(function() pe.startcmd { netuse = { server = "a b" } } end,
    "pe.startcmd: netuse: option 'server'")
  H.raises(function() pe.netuse { server = "x;y" } end, "pe.netuse: option 'server'")
  H.raises(function() pe.netuse { drive = "II" } end, "option 'drive'")
  H.raises(function() pe.netuse { drive = "X:" } end, "RAM drive")
  H.raises(function() pe.netuse { guest = false, user = "u" } end, "option 'password'")
  H.raises(function() pe.netuse { guest = false, password = "p" } end, "option 'user'")
  H.raises(function() pe.netuse { guest = true, password = 'a"b' } end, "option 'password'",
    "double quote")
  local e1 = H.raises(function() pe.netuse { guest = true, password = "/x9secret" } end,
    "a switch")
  H.hasnt(e1, "x9secret", "the refused password is not echoed")
  local e2 = H.raises(function() pe.netuse { user = "u", password = "*" } end,
    "ask for the password")
  H.hasnt(e2, "'*'", "the refused password is not echoed")
  H.raises(function() pe.netuse { share = "a/b" } end, "option 'share'")
  H.raises(function() pe.netuse { tries = 0 } end, "option 'tries'")
  H.raises(function() pe.netuse { tries = 1.5 } end, "option 'tries'")
  H.raises(function() pe.netuse { user = true } end, "option 'user': expected string, got boolean")
  H.raises(function() pe.netuse { share = "a\nb" } end, "cannot be written into a batch file")
  H.raises(function() pe.netuse { guest = true, domain = "D" } end,
    "only used in authenticated mode")
  local err = H.raises(function() pe.netuse { nope = true } end, "unknown option 'nope'")
  H.has(err, "test_startcmd.lua:", "reported at the recipe's line")
end)

H.test("the modules load on their own and are callable", function()
  local nu = require "peforge.netuse"
  local sc = require "peforge.startcmd"
  H.has(nu { share = "X" }.text, "\\X ")
  H.has(sc { netuse = { share = "X" } }.text, "net use I:")
  H.eq(pe.netuse, nu.netuse)
  H.eq(pe.startcmd, sc.startcmd)
end)

H.done()
