--- peforge.netuse: the part of a WinPE start script that maps the
-- deployment share with `net use`, retrying, and explains failures.
--
--     local block = pe.netuse { server = "gateway", share = "REMINST",
--                               drive = "I:", guest = true }
--     print(block.text)
--
-- The block finds the server (a fixed name or IPv4 address, or "gateway"
-- / "dhcp" read from `ipconfig` at run time), runs
-- `net use DRIVE \\SERVER\SHARE` with credentials, tries again a bounded
-- number of times, logs every step to the console and to %PE_LOG%
-- (X:\peforge.log unless set before), and when every try failed prints
-- what the last error number means and the smb.conf fix, then jumps to the
-- label `on_fail` (`pe_fail`, defined by pe.startcmd: a command prompt).
-- On success it falls through with the share mapped and %PE_SERVER% set.
--
-- Credentials: Windows 10 and later refuse to map a share as a guest
-- without credentials ("System error 58"; or 1272 when guest logons are
-- blocked by policy).  In guest mode the block passes made-up credentials
-- (`/user:guest guest` by default, any values work) and the server maps
-- the unknown user to its guest account (`map to guest = Bad User`, which
-- pe.smbconf writes).  In authenticated mode it passes a real Samba user
-- and password (needed where the client insists on SMB signing, which a
-- guest session cannot do).
--
-- The block uses `ipconfig`, `find`, `net`, `ping` and, with
-- insecure_guest, `reg`: all are in WinPE.  It needs delayed expansion
-- off (it says so with a `setlocal` of its own).
-- @module peforge.netuse
local batch = require "peforge.batch"
local check = require "peforge.check"

local M = {}

--- The deployment account (pe.smbconf's default) and its password: made
-- by peforge (peforge.core.deploy_password: random, kept in the samba
-- output's folder); outside peforge, read from /dev/urandom here.
M.DEPLOY_USER = "peforge-deploy"
local made -- outside peforge: the one password of this Lua state
function M.deploy_password(dir)
  local ok, core = pcall(require, "peforge.core")
  if ok and type(core) == "table" and core.deploy_password then
    return (core.deploy_password(dir))
  end
  if made then return made end
  local f = io.open("/dev/urandom", "rb")
  if not f then
    batch.fail("authenticated mode: no password given and /dev/urandom cannot be read")
  end
  local A = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
  local t = {}
  while #t < 24 do
    local b = f:read(1):byte()
    if b < 248 then t[#t + 1] = A:sub(b % 62 + 1, b % 62 + 1) end
  end
  f:close()
  made = table.concat(t)
  return made
end

--- What each `net use` error number means and how to fix it.  Each entry:
-- `msg` (Windows' text) and `fix` (lines; "GUEST:" / "AUTH:" prefixed
-- lines are only shown in that mode).  pe.startcmd and the docs use it.
M.errors = {
  { code = "5", msg = "Access is denied.",
    fix = {
      "The server refused this client or user for this share.",
      "Check 'hosts allow' and 'valid users' of the share in smb.conf,",
      "and that the share's folder is readable by the Samba user (guest: nobody).",
    } },
  { code = "53", msg = "The network path was not found.",
    fix = {
      "The server did not answer on SMB (TCP port 445).",
      "Check the server address, that smbd runs on it (systemctl status smbd),",
      "that no firewall blocks TCP 445, and that this machine has the right network.",
    } },
  { code = "58", msg = "The specified server cannot perform the requested operation.",
    fix = {
      "Windows 10 and later refuse a guest logon without credentials, and refuse",
      "servers that only speak SMB1. On the server, in the [global] section of smb.conf:",
      "    map to guest = Bad User",
      "    server min protocol = SMB2",
      "and map with any user name and password, e.g. net use I: \\\\server\\share /user:guest guest",
      "(pe.smbconf and pe.netuse guest mode do both).",
    } },
  { code = "64", msg = "The specified network name is no longer available.",
    fix = {
      "The server dropped the connection: see its log (/var/log/samba/) and check",
      "'hosts allow' and 'server min protocol' in smb.conf.",
    } },
  { code = "67", msg = "The network name cannot be found.",
    fix = {
      "The server answered but has no share of that name.",
      "Check the [SHARE] section of smb.conf (testparm -s), that its path exists,",
      "and reload Samba (smbcontrol smbd reload-config).",
    } },
  { code = "85", msg = "The local device name is already in use.",
    fix = {
      "The drive letter is a local drive here (a USB stick, a second disk; a",
      "mapping of this script is removed before each try): choose another drive.",
    } },
  { code = "86", msg = "The specified network password is not correct.",
    fix = {
      "AUTH: Set the user's Samba password on the server (sh create-account.sh of",
      "AUTH: the samba output, or smbpasswd -a USER) to the one this script has.",
      "GUEST: The made-up user name is a real Samba user: choose another user name.",
    } },
  { code = "1219", msg = "Multiple connections to a server or shared resource by the same "
      .. "user, using more than one user name, are not allowed.",
    fix = {
      "Disconnect the other mappings first: net use * /delete /y",
    } },
  { code = "1231", msg = "The network location cannot be reached.",
    fix = {
      "No route to the server: check the address and this machine's network (ipconfig).",
    } },
  { code = "1272", msg = "You can't access this shared folder because your organization's "
      .. "security policies block unauthenticated guest access.",
    fix = {
      "GUEST: This Windows refuses guest logons (Windows 11 24H2 and later require",
      "GUEST: SMB signing, which a guest session cannot do). Use authenticated mode:",
      "GUEST: the samba output's default (guest unset) in the recipe;",
      "GUEST: or try pe.netuse { insecure_guest = true }.",
      "AUTH: The server made this a guest session: 'map to guest = bad user' in its",
      "AUTH: [global] section (Debian's stock smb.conf has it) maps a user it does not",
      "AUTH: know to guest. Create the account USER on the server: sh create-account.sh",
      "AUTH: of the samba output, or smbpasswd -a USER; then reload Samba.",
    } },
  { code = "1326", msg = "The user name or password is incorrect.",
    fix = {
      "GUEST: The server rejected the made-up user name: add to the [global] section",
      "GUEST: of smb.conf:   map to guest = Bad User",
      "GUEST: (and check that the name is not a real Samba user).",
      "AUTH: Wrong password, or the user has no Samba password yet: on the server,",
      "AUTH: sh create-account.sh of the samba output (or smbpasswd -a USER).",
    } },
}

local T = check

--- The options of pe.netuse (also `netuse` of pe.startcmd): `peforge help
-- netuse` prints them.
M.OPTIONS = {
  { name = "server", type = T.string { numbers = true }, default = "gateway",
    help = "The deployment server: \"gateway\" (this network's default gateway, read "
      .. "from ipconfig at run time), \"dhcp\" (the DHCP server), a host name or an IPv4 "
      .. "address." },
  { name = "share", type = T.string { numbers = true }, default = "REMINST",
    help = "The share name (1 to 80 characters, none of \\ / : * ? \" < > | [ ] %)." },
  { name = "drive", type = T.string(), default = "I:",
    help = "The drive letter to map the share to (not X:, WinPE's RAM drive)." },
  { name = "guest", type = T.boolean, default = false,
    help = "Guest mode (media older than Windows 11 24H2): map with made-up credentials "
      .. "(user and password \"guest\"); false: authenticated mode." },
  { name = "user", type = T.string { numbers = true },
    default_text = "\"peforge-deploy\" (guest mode: \"guest\")",
    help = "The Samba user name (authenticated mode)." },
  { name = "password", type = T.string { numbers = true },
    default_text = "the generated password of peforge-deploy (guest mode: \"guest\")",
    help = "The Samba password (authenticated mode); not empty, not *, not starting with /." },
  { name = "domain", type = T.string { numbers = true },
    help = "The user's domain (authenticated mode only)." },
  { name = "tries", type = T.integer(1, 1000), default = 5,
    help = "How many times to try the mapping." },
  { name = "delay", type = T.integer(0, 3600), default = 5,
    help = "Seconds between two tries." },
  { name = "log", type = T.string(), default = "X:\\peforge.log",
    help = "The log file the block appends to (a Windows path without double quotes)." },
  { name = "on_fail", type = T.string(), default = "pe_fail",
    help = "The batch label to go to when every try failed." },
  { name = "insecure_guest", type = T.boolean, default = false,
    help = "Allow insecure guest logons on the client (guest mode only); for servers "
      .. "that refuse made-up credentials." },
}

--- The help text of `peforge help netuse`.
function M.help()
  return check.render("pe.netuse{...} options (also pe.startcmd's netuse = {...}):",
    M.OPTIONS)
end

local function options(opts, where)
  where = where or "pe.netuse"
  local o = check.options(opts, M.OPTIONS, where)
  local function bad(k, why)
    batch.fail("%s: option '%s': %s", where, k, why)
  end
  -- server: "gateway", "dhcp", a host name or an IPv4 address
  local s = o.server
  if s ~= "gateway" and s ~= "dhcp" then
    if not s:match("^[%w][%w%.%-_]*$") or #s > 253 then
      bad("server", "'" .. s .. "' is not \"gateway\", \"dhcp\", a host name or an "
        .. "IPv4 address (letters, digits, '.', '-', '_')")
    end
  end
  if not o.drive:match("^%a:$") then
    bad("drive", "'" .. o.drive .. "' is not a drive letter like \"I:\"")
  end
  o.drive = o.drive:upper()
  if o.drive == "X:" then
    bad("drive", "X: is WinPE's own RAM drive")
  end
  batch.check(o.share, where .. ": option 'share'")
  if o.share == "" or #o.share > 80 or o.share:find('[\\/:*?"<>|%[%]%%]') then
    bad("share", "'" .. o.share .. "' is not a share name (1 to 80 characters, none of "
      .. "\\ / : * ? \" < > | [ ] %)")
  end
  if math.type(o.tries) ~= "integer" or o.tries < 1 or o.tries > 1000 then
    bad("tries", "expected a whole number from 1 to 1000, got " .. tostring(o.tries))
  end
  if math.type(o.delay) ~= "integer" or o.delay < 0 or o.delay > 3600 then
    bad("delay", "expected whole seconds from 0 to 3600, got " .. tostring(o.delay))
  end
  if not o.on_fail:match("^[%a_][%w_]*$") then
    bad("on_fail", "'" .. o.on_fail .. "' is not a batch label (letters, digits, _)")
  end
  batch.check(o.log, where .. ": option 'log'")
  if o.log:find('"', 1, true) or o.log == "" then
    bad("log", "expected a Windows path without double quotes")
  end
  if o.guest then
    o.user = o.user or "guest"
    o.password = o.password or "guest"
    if o.domain then
      bad("domain", "only used in authenticated mode (guest = false)")
    end
  else
    if not o.user and not o.password then
      -- the deployment account of the samba output, whose password
      -- peforge makes (random, kept in the samba folder)
      o.user = M.DEPLOY_USER
      o.password = M.deploy_password()
      o.deploy = true
    end
    if not o.user then
      bad("user", "authenticated mode (guest = false) needs the Samba user name")
    end
    if not o.password then
      bad("password", "authenticated mode (guest = false) needs the Samba password")
    end
    if o.insecure_guest then
      bad("insecure_guest", "only used in guest mode")
    end
  end
  for _, k in ipairs { "user", "password", "domain" } do
    if o[k] then
      batch.check(o[k], where .. ": option '" .. k .. "'")
      if o[k]:find('"', 1, true) then
        bad(k, "a double quote (\") cannot be passed to net.exe through cmd.exe reliably")
      end
    end
  end
  if o.user == "" or o.user:find("[\\/%[%]:;|=,+*?<>]") then
    bad("user", "'" .. o.user .. "' is not a user name (not empty, none of "
      .. "\\ / [ ] : ; | = , + * ? < >; give a domain with 'domain')")
  end
  if o.domain and (o.domain == "" or o.domain:find("[\\/%[%]:;|=,+*?<>@]")) then
    bad("domain", "'" .. o.domain .. "' is not a domain or server name")
  end
  if o.password == "*" or o.password:sub(1, 1) == "/" or o.password == "" then
    -- never the password itself in the message
    bad("password", "net.exe would read it as "
      .. (o.password == "*" and "a request to ask for the password" or
          o.password == "" and "no password" or "a switch")
      .. "; choose a password that is not empty, not * and does not start with /")
  end
  return o
end

--- The batch lines that set PE_SERVER to the server: fixed, or read from
-- ipconfig at run time (left undefined when not found).  They call the
-- subroutine `:ID_server` (see `sub_lines`) for each value read.
-- (Each FOR loop is on its own: Wine's cmd mixes up the options of nested
-- `for /f` loops.)
-- @param server "gateway", "dhcp" or a checked name/address
-- @param id the label prefix of the block ("pe_net_I")
-- @return list of lines
function M.discover_lines(server, id)
  if server ~= "gateway" and server ~= "dhcp" then
    return { batch.set("PE_SERVER", server) }
  end
  local L = { 'set "PE_SERVER="' }
  local sub = "call :" .. id .. "_server"
  if server == "gateway" then
    L[#L + 1] = "rem The default gateway: the IPv4 address on the \"Default Gateway\" line of"
    L[#L + 1] = "rem ipconfig, or the one on a line of its own under it (after an IPv6 gateway)."
    L[#L + 1] = [[for /f "tokens=1,* delims=:" %%a in ('ipconfig ^| find "Gateway"') do ]]
      .. sub .. " %%b"
    L[#L + 1] = [[if not defined PE_SERVER for /f "tokens=1,*" %%a in ('ipconfig') do ]]
      .. [[if "%%b"=="" ]] .. sub .. " %%a"
  elseif server == "dhcp" then
    L[#L + 1] = "rem The DHCP server: the \"DHCP Server\" line of ipconfig /all."
    L[#L + 1] = [[for /f "tokens=1,* delims=:" %%a in ('ipconfig /all ^| find "DHCP Server"') do ]]
      .. sub .. " %%b"
  else
    L[#L + 1] = batch.set("PE_SERVER", server)
  end
  return L
end

--- The subroutine the discovery lines call: `:ID_server VALUE` sets
-- PE_SERVER to VALUE when it is an IPv4 address (four dot-separated parts)
-- and PE_SERVER is not set yet.  VALUE comes from ipconfig (an address),
-- so passing it through `call` is safe.
-- @param id the label prefix of the block
-- @return list of lines
function M.sub_lines(id)
  return {
    ":" .. id .. "_server",
    "if defined PE_SERVER goto :eof",
    [[for /f "tokens=1-5 delims=." %%d in ("%~1") do if "%%h"=="" if not "%%g"=="" ]]
      .. [[set "PE_SERVER=%%d.%%e.%%f.%%g"]],
    "goto :eof",
  }
end

local say = batch.say

--- The server as a message shows it.
local function server_label(server)
  if server == "gateway" then return "the default gateway" end
  if server == "dhcp" then return "the DHCP server" end
  return server
end

--- Check the option table of pe.netuse (or of pe.startcmd's `netuse`):
-- types, known names, values; fails naming WHERE ("pe.netuse").
-- @return a new table: the options with the defaults filled in
M.options = batch.guard(options)

--- The `net use` block (see the module comment).
-- @param opts options: server ("gateway"), share ("REMINST"), drive ("I:"),
--   guest (true), user/password (guest: "guest"/"guest", made up;
--   authenticated: required), domain (authenticated mode: DOMAIN\user),
--   tries (5), delay (5 seconds between tries), log ("X:\peforge.log"),
--   on_fail ("pe_fail": the label jumped to when every try failed),
--   insecure_guest (false; guest mode: also set AllowInsecureGuestAuth=1
--   and RequireSecuritySignature=0 in WinPE's registry before mapping).
-- @return table: text (the block, CRLF line ends, ending with CRLF),
--   lines (the same as a list), server, share, drive, guest, user, domain,
--   unc (for messages), command (the net use line as run, password hidden),
--   tries, delay, on_fail
local function build(opts, where)
  local o = options(opts, where or "pe.netuse")
  local L = {}
  local id = "pe_net_" .. o.drive:sub(1, 1)
  local mode = o.guest and "guest mode, made-up credentials" or "authenticated mode"
  local userarg = "/user:" .. (o.domain and (o.domain .. "\\") or "") .. o.user
  local shown_user = (o.domain and (o.domain .. "\\") or "") .. o.user
  L[#L + 1] = string.format("rem ---- pe.netuse: map %s to \\\\%s\\%s (%s) ----",
    o.drive, batch.remtext(o.server), batch.remtext(o.share), mode)
  L[#L + 1] = "setlocal EnableExtensions DisableDelayedExpansion"
  L[#L + 1] = "if not defined PE_LOG " .. batch.set("PE_LOG", o.log)
  if o.guest and o.insecure_guest then
    say(L, "peforge: allowing guest logons in this WinPE (insecure_guest)")
    local key = [["HKLM\SYSTEM\CurrentControlSet\Services\LanmanWorkstation\Parameters"]]
    L[#L + 1] = "reg add " .. key .. " /v AllowInsecureGuestAuth /t REG_DWORD /d 1 /f >nul"
    L[#L + 1] = "reg add " .. key .. " /v RequireSecuritySignature /t REG_DWORD /d 0 /f >nul"
  end
  L[#L + 1] = 'set "PE_NET_TRY=0"'
  L[#L + 1] = ":" .. id .. "_try"
  L[#L + 1] = "set /a PE_NET_TRY+=1"
  L[#L + 1] = 'set "PE_NET_ERR="'
  for _, l in ipairs(M.discover_lines(o.server, id)) do
    L[#L + 1] = l
  end
  local discover = o.server == "gateway" or o.server == "dhcp"
  if discover then
    L[#L + 1] = "if defined PE_SERVER goto " .. id .. "_found"
    say(L, { "peforge: no IPv4 address for " .. server_label(o.server)
      .. " in the ipconfig output yet (try ", batch.ref("PE_NET_TRY"),
      " of " .. o.tries .. ")" })
    L[#L + 1] = 'set "PE_NET_ERR=noserver"'
    L[#L + 1] = "goto " .. id .. "_again"
    L[#L + 1] = ":" .. id .. "_found"
  end
  local unc_parts = { "\\\\", batch.ref("PE_SERVER"), "\\" .. o.share }
  say(L, { "peforge: net use " .. o.drive .. " ", unc_parts[1], unc_parts[2], unc_parts[3],
    " " .. userarg .. (o.guest and (" " .. o.password) or " ********")
    .. " (" .. mode .. "; try ", batch.ref("PE_NET_TRY"), " of " .. o.tries .. ")" })
  -- The UNC path: \\%PE_SERVER%\share, one argument.  PE_SERVER holds a
  -- checked name or an IPv4 address, so only the share needs quoting.
  local share_arg = batch.msvcrt_quote("\\" .. o.share)
  local unc
  if share_arg:sub(1, 1) == '"' then
    unc = '"\\\\%PE_SERVER%' .. batch.escape(share_arg:sub(2, -2), "quoted") .. '"'
  else
    unc = "\\\\%PE_SERVER%" .. batch.escape(share_arg, "text")
  end
  -- A rerun (after Setup failed): the mapping an earlier run made would
  -- fail this one with error 85; remove it (a local drive is left alone).
  L[#L + 1] = "net use " .. o.drive .. " /delete /y >nul 2>&1"
  -- No argument holds a double quote, so the quotes are balanced and the
  -- redirections at the end are outside them.
  L[#L + 1] = "net use " .. o.drive .. " " .. unc .. " "
    .. batch.arg(userarg, "pe.netuse: user") .. " " .. batch.arg(o.password, "pe.netuse: password")
    .. ' >"%TEMP%\\peforge-net.txt" 2>&1'
  L[#L + 1] = "if not errorlevel 1 goto " .. id .. "_ok"
  L[#L + 1] = 'type "%TEMP%\\peforge-net.txt"'
  L[#L + 1] = '>>"%PE_LOG%" type "%TEMP%\\peforge-net.txt"'
  L[#L + 1] = [[for /f "tokens=3" %%e in ('type "%TEMP%\peforge-net.txt" ^| find "System error"') ]]
    .. [[do set "PE_NET_ERR=%%e"]]
  L[#L + 1] = "if not defined PE_NET_ERR set \"PE_NET_ERR=unknown\""
  L[#L + 1] = ":" .. id .. "_again"
  L[#L + 1] = "if %PE_NET_TRY% geq " .. o.tries .. " goto " .. id .. "_fail"
  say(L, { "peforge: waiting " .. o.delay .. " seconds before trying again (last error: ",
    batch.ref("PE_NET_ERR"), ")" })
  L[#L + 1] = "ping -n " .. (o.delay + 1) .. " 127.0.0.1 >nul"
  L[#L + 1] = "goto " .. id .. "_try"
  L[#L + 1] = ":" .. id .. "_fail"
  say(L, "")
  say(L, { "peforge: could not map " .. o.drive .. " to \\\\", batch.ref("PE_SERVER"),
    "\\" .. o.share .. " (" .. mode .. ", user " .. shown_user .. ") after "
    .. o.tries .. " tries; last error: ", batch.ref("PE_NET_ERR") })
  for _, e in ipairs(M.errors) do
    L[#L + 1] = 'if "%PE_NET_ERR%"=="' .. e.code .. '" goto ' .. id .. "_e" .. e.code
  end
  if discover then
    L[#L + 1] = 'if "%PE_NET_ERR%"=="noserver" goto ' .. id .. "_enoserver"
  end
  say(L, "peforge: net use gave no \"System error N\" line; its output is above and in the log.")
  say(L, "peforge: run the same net use command by hand to see the error, and check the server:")
  say(L, "peforge:   testparm -s; smbclient -L //SERVER -U " .. (o.guest and "guest%guest"
    or o.user) .. "; /var/log/samba/")
  L[#L + 1] = "goto " .. id .. "_failed"
  for _, e in ipairs(M.errors) do
    L[#L + 1] = ":" .. id .. "_e" .. e.code
    say(L, "peforge: System error " .. e.code .. ": " .. e.msg)
    for _, f in ipairs(e.fix) do
      local tag, rest = f:match("^(%u+): (.*)$")
      if not tag or (tag == "GUEST") == o.guest then
        local line = (rest or f):gsub("%[SHARE%]", function() return "[" .. o.share .. "]" end)
          :gsub("I: \\\\server\\share", function()
            return o.drive .. " \\\\server\\" .. o.share
          end)
        if not o.guest then
          line = line:gsub("USER", function() return o.user end)
        end
        say(L, "peforge:   " .. line)
      end
    end
    L[#L + 1] = "goto " .. id .. "_failed"
  end
  if discover then
    L[#L + 1] = ":" .. id .. "_enoserver"
  end
  if o.server == "gateway" then
    say(L, "peforge: ipconfig shows no IPv4 default gateway. server = \"gateway\" only works")
    say(L, "peforge:   where the deployment server is this network's router (e.g. QEMU user")
    say(L, "peforge:   networking, a NAT lab): give the server's address instead (server = \"10.0.0.1\").")
  elseif o.server == "dhcp" then
    say(L, "peforge: ipconfig /all shows no DHCP server. server = \"dhcp\" only works where the")
    say(L, "peforge:   deployment server hands out the addresses (dnsmasq as the DHCP server, not")
    say(L, "peforge:   as a proxy): give the server's address instead (server = \"10.0.0.1\").")
  end
  L[#L + 1] = ":" .. id .. "_failed"
  L[#L + 1] = "goto " .. o.on_fail
  if discover then
    for _, l in ipairs(M.sub_lines(id)) do
      L[#L + 1] = l
    end
  end
  L[#L + 1] = ":" .. id .. "_ok"
  say(L, { "peforge: " .. o.drive .. " is \\\\", batch.ref("PE_SERVER"), "\\" .. o.share })
  local text = table.concat(L, "\r\n") .. "\r\n"
  batch.check_lines(text, "pe.netuse")
  return {
    text = text,
    lines = L,
    server = o.server,
    share = o.share,
    drive = o.drive,
    guest = o.guest,
    user = o.user,
    domain = o.domain,
    insecure_guest = o.insecure_guest,
    unc = "\\\\" .. o.server .. "\\" .. o.share,
    command = "net use " .. o.drive .. " \\\\" .. o.server .. "\\" .. o.share .. " "
      .. userarg .. " " .. (o.guest and o.password or "********"),
    tries = o.tries,
    delay = o.delay,
    log = o.log,
    on_fail = o.on_fail,
    id = id,
  }
end

--- Unguarded: for the library's own use (fails with batch.fail).
M.build = build

--- pe.netuse: the `net use` block (see `build`'s options).
M.netuse = batch.guard(function(opts) return build(opts) end)

setmetatable(M, { __call = batch.guard(function(_, opts) return build(opts) end) })

return M
