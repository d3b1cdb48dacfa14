--- peforge.startcmd: the WinPE start script (X:\start.cmd, launched by
-- winpeshl.ini) that brings up the network, maps the deployment share and
-- starts Windows Setup, logging every step.
--
--     start = pe.startcmd {
--       netuse = { server = "gateway", share = "REMINST", drive = "I:" },
--     }
--
-- The script, in order:
--  1. `setlocal EnableExtensions DisableDelayedExpansion` (so `!` is an
--     ordinary character) and the log X:\peforge.log;
--  2. the line `rem peforge:drivers` (the drivers plugin puts its drvload
--     lines after it), then `drvload` for the `drivers` option;
--  3. `wpeinit` (unless wpeinit = false), then a bounded wait for an IPv4
--     address that is not 169.254.x.x (wait = "ipv4"), or for the server to
--     answer ping (wait = "server"), printing what it waits for;
--  4. the `net use` block of pe.netuse (when `netuse` is given);
--  5. the command `run` (default, with netuse:
--     `DRIVE:\setup.exe /unattend:DRIVE:\autounattend.xml`, after checking
--     that both files are on the share);
--  6. `after`: what to do when the command returns 0: "prompt" (default: a
--     command prompt, which keeps WinPE up; Setup restarts the machine
--     itself), "reboot" / "shutdown" (wpeutil), or "exit".
-- Any failure prints what went wrong and how to fix it, and leaves the
-- administrator at a command prompt (`cmd /k`) instead of rebooting;
-- typing `exit` there ends the script, and WinPE restarts.
-- @module peforge.startcmd
local batch = require "peforge.batch"
local netuse = require "peforge.netuse"
local check = require "peforge.check"

local M = {}

local T = check

local string_or_boolean = T.string_or_boolean

--- The options of pe.startcmd (and of a recipe's `start = { ... }`):
-- `peforge help startcmd` prints them.
M.OPTIONS = {
  { name = "netuse", type = T.table,
    help = "Options of pe.netuse (peforge help netuse): map the deployment share. "
      .. "No mapping when absent." },
  { name = "run", type = T.luatype("string|table|boolean", "string, table or false"),
    default_text = "with netuse: DRIVE:\\setup.exe /unattend:DRIVE:\\autounattend.xml",
    help = "The command run at the end: a command line, a list of arguments, "
      .. "{ raw = \"batch lines\" } or false (none)." },
  { name = "wpeinit", type = T.boolean, default = true,
    help = "Run wpeinit (starts the network)." },
  { name = "wait", type = string_or_boolean("\"ipv4\", \"server\" or false"),
    default = "ipv4",
    help = "Wait for an IPv4 address (\"ipv4\"), for the server to answer ping "
      .. "(\"server\", needs netuse), or not (false)." },
  { name = "wait_tries", type = T.integer(1, 10000), default = 30,
    help = "How many times to look before giving up." },
  { name = "wait_delay", type = T.integer(0, 3600), default = 2,
    help = "Seconds between two looks." },
  { name = "drivers", type = T.table, default_text = "{}",
    help = "A list of Windows paths to .inf files to drvload before wpeinit." },
  { name = "log", type = T.string(), default = "X:\\peforge.log",
    help = "The log file (a Windows path without double quotes)." },
  { name = "after", type = T.enum { "prompt", "reboot", "shutdown", "exit" },
    default = "prompt",
    help = "What to do when the command returns 0." },
  { name = "setup", type = T.string(), default = "setup.exe",
    help = "Setup's path relative to the share's root." },
  { name = "unattend", type = string_or_boolean("string or false"),
    default = "autounattend.xml",
    help = "The answer file's path relative to the share's root, or false (none)." },
  { name = "machines", type = T.table,
    help = "The recipe's pe.machines{...}: the script picks this machine's answer file. "
      .. "A recipe's start table gets its machines by itself." },
  { name = "report", type = string_or_boolean("share name or false"),
    default_text = "\"peforge-status\" with netuse and machines, else false",
    help = "The server's write-only status share: just before Setup runs, the script "
      .. "writes a file named after each of the machine's MACs there (\"started\", and "
      .. "\"done\" when Setup returns success), so that peforge serve sends the "
      .. "machine's next network boot to its local disk (docs/fleet.md). Errors are "
      .. "ignored: the report never stops the install." },
}

--- The help text of `peforge help startcmd`.
function M.help()
  return check.render("pe.startcmd{...} options (also the recipe's start = {...}):",
    M.OPTIONS)
end

--- Check the options; returns a copy with the defaults filled in.
local function options(opts)
  local o = check.options(opts, M.OPTIONS, "pe.startcmd")
  local function bad(k, why)
    batch.fail("pe.startcmd: option '%s': %s", k, why)
  end
  if o.wait == true then o.wait = "ipv4" end
  if o.wait ~= false and o.wait ~= "ipv4" and o.wait ~= "server" and o.wait ~= "none" then
    bad("wait", "expected \"ipv4\", \"server\" or false, got '" .. tostring(o.wait) .. "'")
  end
  if o.wait == "none" then o.wait = false end
  if o.wait == "server" and not o.netuse then
    bad("wait", "\"server\" needs netuse (the server to wait for)")
  end
  batch.check(o.log, "pe.startcmd: option 'log'")
  if o.log == "" or o.log:find('"', 1, true) then
    bad("log", "expected a Windows path without double quotes")
  end
  o.drivers = o.drivers or {}
  for i, d in ipairs(o.drivers) do
    batch.check(d, "pe.startcmd: option 'drivers[" .. i .. "]'")
    if d:find('"', 1, true) or d == "" then
      bad("drivers", "entry " .. i .. " is not a Windows path to an .inf file")
    end
  end
  for k in pairs(o.drivers) do
    if math.type(k) ~= "integer" then
      bad("drivers", "expected a list of .inf paths, got the key '" .. tostring(k) .. "'")
    end
  end
  if o.unattend == true then o.unattend = "autounattend.xml" end
  for _, k in ipairs { "setup", "unattend" } do
    local v = o[k]
    if v then
      batch.check(v, "pe.startcmd: option '" .. k .. "'")
      if v == "" or v:find('[":*?<>|]') or v:match("^[\\/]") then
        bad(k, "expected a path relative to the share's root, got '" .. v .. "'")
      end
      o[k] = v:gsub("/", "\\")
    end
  end
  if o.report == nil or o.report == true then
    o.report = (o.report == true or (o.machines ~= nil and o.netuse ~= nil))
      and "peforge-status" or false
  end
  if o.report then
    if not o.netuse then bad("report", "needs netuse (the server to report to)") end
    batch.check(o.report, "pe.startcmd: option 'report'")
    if not o.report:match("^[%w_.%-]+$") then
      bad("report", "expected a share name (letters, digits, '.', '-', '_'), got '"
        .. o.report .. "'")
    end
  end
  if o.run == true then
    bad("run", "expected a command line, a list of arguments, { raw = \"batch lines\" } or false, got true")
  end
  if type(o.run) == "table" and o.run.raw == nil and #o.run == 0 then
    bad("run", "expected a command line, a list of arguments, { raw = \"batch lines\" } or false")
  end
  if type(o.run) == "table" and o.run.raw ~= nil and type(o.run.raw) ~= "string" then
    bad("run", "run.raw: expected a string (batch lines, inserted as they are)")
  end
  return o
end

local say = batch.say

--- The line that reports WHAT ("started" or "done") to the status share
-- REPORT: one file per MAC getmac lists, written by :pe_report with every
-- error ignored (a missing share, a MAC "N/A" of a disconnected adapter).
local function report_line(L, report, what)
  L[#L + 1] = [[for /f "tokens=1 delims=," %%a in ('getmac /fo csv /nh 2^>nul') do ]]
    .. 'call :pe_report "%%~a" ' .. batch.escape(what, "text") .. " >nul 2>&1"
end

--- The subroutine `:pe_report MAC WHAT`: WHAT into \\%PE_SERVER%\REPORT\MAC.
local function report_sub(L, report)
  L[#L + 1] = ":pe_report"
  L[#L + 1] = "if not defined PE_SERVER goto :eof"
  L[#L + 1] = '>"\\\\%PE_SERVER%\\' .. batch.escape(report, "quoted") .. '\\%~1" echo %~2'
  L[#L + 1] = "goto :eof"
end

--- The lines setting PE_IP to this machine's first IPv4 address that is
-- not a link-local 169.254.x.x one (undefined when there is none): each
-- value of an "IPv4 Address" line of ipconfig goes to `:pe_ipv4`.
local function ipv4_lines(L)
  L[#L + 1] = 'set "PE_IP="'
  L[#L + 1] = [[for /f "tokens=1,* delims=:" %%a in ('ipconfig ^| find "IPv4"') do call :pe_ipv4 %%b]]
end

--- The subroutine `:pe_ipv4 VALUE`: PE_IP = VALUE ("10.0.2.15" or
-- "10.0.2.15(Preferred)") when it is an IPv4 address that is not
-- 169.254.x.x and PE_IP is not set yet.
local function ipv4_sub(L)
  L[#L + 1] = ":pe_ipv4"
  L[#L + 1] = "if defined PE_IP goto :eof"
  L[#L + 1] = [[for /f "tokens=1-5 delims=.(" %%d in ("%~1") do if not "%%g"=="" ]]
    .. [[if not "%%d.%%e"=="169.254" set "PE_IP=%%d.%%e.%%f.%%g"]]
  L[#L + 1] = "goto :eof"
end

--- The start script (see the module comment).
-- @param opts options:
--   netuse: options of pe.netuse (server, share, drive, guest, user,
--     password, domain, tries, delay, insecure_guest); no mapping when absent;
--   run: the command run at the end: a command line (given to the program
--     byte for byte), a list of arguments, { raw = "batch lines" } (inserted
--     as they are, for %VARIABLES%), or false (none).  Default with netuse:
--     DRIVE:\SETUP /unattend:DRIVE:\UNATTEND; without: none;
--   setup ("setup.exe"), unattend ("autounattend.xml"; false: no
--     /unattend): the default run's paths on the share;
--   machines: what pe.machines{...} returns: the default run first
--     identifies the machine (machines.identify: MAC, UUID, serial number,
--     firmware) and gives setup that machine's answer file from the share
--     (unattend\<id>.xml, else the default); set by the library itself when
--     the recipe has `machines` and `start` is a table of these options;
--   wpeinit (true): run wpeinit first;
--   wait ("ipv4"): "ipv4", "server" or false; wait_tries (30),
--     wait_delay (2 seconds);
--   drivers: list of .inf paths in WinPE loaded with drvload;
--   log ("X:\peforge.log");
--   after ("prompt"): "prompt", "reboot", "shutdown" or "exit".
-- @return table: text (CRLF line ends), netuse (pe.netuse's table or nil),
--   run (the command as written in the script, or nil), log, after, wait,
--   drive, share, server, guest, user (from netuse)
local function build(opts)
  local o = options(opts)
  local nu
  if o.netuse then
    local nopts = {}
    for k, v in pairs(o.netuse) do nopts[k] = v end
    if nopts.log == nil then nopts.log = o.log end
    if nopts.on_fail == nil then nopts.on_fail = "pe_fail" end
    nu = netuse.build(nopts, "pe.startcmd: netuse")
  end
  local L = {}
  L[#L + 1] = "@echo off"
  L[#L + 1] = "rem start.cmd, made by peforge (pe.startcmd): change the recipe, not this file."
  L[#L + 1] = "rem WinPE runs it from winpeshl.ini. Log: " .. batch.remtext(o.log)
  L[#L + 1] = "setlocal EnableExtensions DisableDelayedExpansion"
  L[#L + 1] = batch.set("PE_LOG", o.log)
  L[#L + 1] = '>>"%PE_LOG%" echo ==== peforge start.cmd: %DATE% %TIME% ===='
  L[#L + 1] = "rem peforge:drivers"
  for _, d in ipairs(o.drivers) do
    say(L, "peforge: loading the driver " .. d)
    L[#L + 1] = "drvload " .. batch.quote(d, "pe.startcmd: drivers") .. ' >>"%PE_LOG%" 2>&1'
    local warn = batch.echo("peforge: warning: drvload failed for " .. d .. " (see the log)")
    L[#L + 1] = "if errorlevel 1 " .. warn
    L[#L + 1] = 'if errorlevel 1 >>"%PE_LOG%" ' .. warn
  end
  if o.wpeinit then
    say(L, "peforge: starting WinPE's network (wpeinit)")
    L[#L + 1] = 'wpeinit >>"%PE_LOG%" 2>&1'
    local warn = batch.echo({ "peforge: warning: wpeinit exited with code ",
      batch.ref("ERRORLEVEL") })
    L[#L + 1] = "if errorlevel 1 " .. warn
    L[#L + 1] = 'if errorlevel 1 >>"%PE_LOG%" ' .. warn
  end
  if o.wait then
    L[#L + 1] = "rem ---- wait for the network: at most " .. o.wait_tries .. " tries, "
      .. o.wait_delay .. " s apart ----"
    L[#L + 1] = 'set "PE_WAIT=0"'
    L[#L + 1] = ":pe_wait"
    L[#L + 1] = "set /a PE_WAIT+=1"
    ipv4_lines(L)
    if o.wait == "ipv4" then
      L[#L + 1] = "if defined PE_IP goto pe_wait_ok"
      say(L, { "peforge: waiting for an IPv4 address from DHCP (try ", batch.ref("PE_WAIT"),
        " of " .. o.wait_tries .. ")" })
    else
      L[#L + 1] = "if not defined PE_IP goto pe_wait_more"
      for _, l in ipairs(netuse.discover_lines(nu.server, nu.id)) do
        L[#L + 1] = l
      end
      L[#L + 1] = "if not defined PE_SERVER goto pe_wait_more"
      L[#L + 1] = 'ping -n 1 -w 1000 %PE_SERVER% | find "TTL=" >nul'
      L[#L + 1] = "if not errorlevel 1 goto pe_wait_ok"
      L[#L + 1] = ":pe_wait_more"
      say(L, { "peforge: waiting for the server (" .. (nu.server == "gateway" and
        "the default gateway" or nu.server == "dhcp" and "the DHCP server" or nu.server)
        .. ") to answer ping; IPv4 address: ", batch.ref("PE_IP"), ", server: ",
        batch.ref("PE_SERVER"), " (try ", batch.ref("PE_WAIT"), " of " .. o.wait_tries .. ")" })
    end
    L[#L + 1] = "if %PE_WAIT% geq " .. o.wait_tries .. " goto pe_wait_fail"
    L[#L + 1] = "ping -n " .. (o.wait_delay + 1) .. " 127.0.0.1 >nul"
    L[#L + 1] = "goto pe_wait"
    L[#L + 1] = ":pe_wait_fail"
    say(L, "")
    if o.wait == "ipv4" then
      say(L, "peforge: no IPv4 address after " .. o.wait_tries .. " tries. ipconfig says:")
    else
      say(L, "peforge: the server did not answer after " .. o.wait_tries .. " tries. ipconfig says:")
    end
    L[#L + 1] = "ipconfig"
    L[#L + 1] = '>>"%PE_LOG%" ipconfig'
    say(L, "peforge:   No network adapter listed: WinPE has no driver for it; add one (drivers).")
    say(L, "peforge:   Media disconnected: check the cable or the virtual network.")
    say(L, "peforge:   Only 169.254.x.x: no DHCP server answered on this network.")
    if o.wait == "server" then
      say(L, "peforge:   An address but no answer: wrong server, or it does not answer ping")
      say(L, "peforge:   (use wait = \"ipv4\" then).")
    end
    L[#L + 1] = "goto pe_fail"
    L[#L + 1] = ":pe_wait_ok"
    say(L, { "peforge: network is up: IPv4 address ", batch.ref("PE_IP") })
  end
  if nu then
    for _, l in ipairs(nu.lines) do
      L[#L + 1] = l
    end
  end
  local run_text, run_shown
  if o.run == nil and nu then
    local d = nu.drive
    local setup = d .. "\\" .. o.setup
    L[#L + 1] = "rem ---- check the share ----"
    L[#L + 1] = "if exist " .. batch.quote(setup, "pe.startcmd: setup") .. " goto pe_have_setup"
    say(L, "peforge: " .. setup .. " is not on the share " .. nu.unc .. ".")
    say(L, "peforge:   Put the Windows media's files at the share's root (pe.smbconf's path),")
    say(L, "peforge:   e.g. outputs.samba with copy_media = true, or copy the ISO's files there.")
    L[#L + 1] = "goto pe_fail"
    L[#L + 1] = ":pe_have_setup"
    local args = { setup }
    if o.machines then
      if type(o.machines.identify) ~= "function" then
        bad("machines", "expected what pe.machines{...} returns")
      end
      for line in o.machines.identify({ root = d }):gmatch("[^\r\n]+") do
        L[#L + 1] = line
      end
      L[#L + 1] = 'if exist "%PF_UNATTEND%" goto pe_have_unattend'
      say(L, "peforge: no answer file for this machine on the share " .. nu.unc .. ".")
      say(L, "peforge:   Copy the files of the samba output's share/ folder to the share's root.")
      L[#L + 1] = "goto pe_fail"
      L[#L + 1] = ":pe_have_unattend"
    elseif o.unattend then
      local ua = d .. "\\" .. o.unattend
      L[#L + 1] = "if exist " .. batch.quote(ua, "pe.startcmd: unattend") .. " goto pe_have_unattend"
      say(L, "peforge: the answer file " .. ua .. " is not on the share " .. nu.unc .. ".")
      say(L, "peforge:   Copy the files of the samba output's share/ folder to the share's root.")
      L[#L + 1] = "goto pe_fail"
      L[#L + 1] = ":pe_have_unattend"
      args[2] = "/unattend:" .. ua
    end
    run_text = batch.command(args, "pe.startcmd: run")
    run_shown = table.concat(args, " ")
    if o.machines then
      -- the file chosen at install time: a %variable% the script expands
      run_text = run_text .. " /unattend:%PF_UNATTEND%"
      run_shown = run_shown .. " /unattend:(this machine's answer file)"
    end
  elseif type(o.run) == "string" or (type(o.run) == "table" and o.run.raw == nil) then
    run_text = batch.command(o.run, "pe.startcmd: run")
    run_shown = type(o.run) == "string" and o.run or table.concat(o.run, " ")
  elseif type(o.run) == "table" then
    run_text = o.run.raw:gsub("\r?\n$", "")
    run_shown = run_text:match("^[^\r\n]*")
  end
  if run_text and o.report then
    L[#L + 1] = "rem ---- report to the server: Setup starts (next network boot: local disk) ----"
    report_line(L, o.report, "started")
  end
  if run_text then
    L[#L + 1] = "rem ---- run ----"
    say(L, "peforge: running " .. run_shown)
    L[#L + 1] = run_text
    L[#L + 1] = 'set "PE_RC=%ERRORLEVEL%"'
    L[#L + 1] = 'if "%PE_RC%"=="0" goto pe_done'
    say(L, { "peforge: the command exited with code ", batch.ref("PE_RC"), ": " .. run_shown })
    L[#L + 1] = "goto pe_fail"
  end
  L[#L + 1] = ":pe_done"
  if run_text and o.report then
    report_line(L, o.report, "done")
  end
  if o.after == "reboot" then
    say(L, "peforge: done; restarting (wpeutil reboot)")
    L[#L + 1] = "wpeutil reboot"
    L[#L + 1] = "goto :eof"
  elseif o.after == "shutdown" then
    say(L, "peforge: done; shutting down (wpeutil shutdown)")
    L[#L + 1] = "wpeutil shutdown"
    L[#L + 1] = "goto :eof"
  elseif o.after == "exit" then
    say(L, "peforge: done")
    L[#L + 1] = "goto :eof"
  else
    say(L, "peforge: done. Setup restarts the machine when it has finished; this is a")
    say(L, "peforge: command prompt meanwhile (type exit to restart now).")
    L[#L + 1] = "cmd /k"
    L[#L + 1] = "goto :eof"
  end
  L[#L + 1] = ":pe_fail"
  say(L, "")
  say(L, "peforge: STOPPED. The log is " .. o.log .. ". This is a command prompt: fix the")
  say(L, "peforge: problem and run " .. "X:\\start.cmd again, or type exit to restart the machine.")
  L[#L + 1] = "cmd /k"
  L[#L + 1] = "goto :eof"
  if o.wait then
    ipv4_sub(L)
  end
  if run_text and o.report then
    report_sub(L, o.report)
  end
  local text = table.concat(L, "\r\n") .. "\r\n"
  batch.check_lines(text, "pe.startcmd")
  return {
    text = text,
    netuse = nu,
    run = run_text,
    log = o.log,
    after = o.after,
    wait = o.wait,
    wpeinit = o.wpeinit,
    drive = nu and nu.drive,
    share = nu and nu.share,
    server = nu and nu.server,
    guest = nu and nu.guest,
    user = nu and nu.user,
  }
end

--- Unguarded: for the library's own use (fails with batch.fail).
M.build = build

--- pe.startcmd: the start script (see `build`'s options).
M.startcmd = batch.guard(function(opts) return build(opts) end)

setmetatable(M, { __call = batch.guard(function(_, opts) return build(opts) end) })

return M
