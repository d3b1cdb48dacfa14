--- peforge.smbconf: the Samba configuration of the deployment share.
--
--     local conf = pe.smbconf { share = "REMINST", path = "/srv/winimg" }
--     print(conf.text)        -- a fragment for an existing smb.conf
--     print(conf.standalone)  -- a whole smb.conf for a dedicated server
--
-- Authenticated mode (the default): `valid users` and no guest access, for
-- the deployment account `peforge-deploy` (or `user = "deploy"`); signing
-- is negotiated, which Windows 11 24H2 and later require.  peforge makes
-- the account's password (pe.netuse uses the same one) and the samba
-- output writes the script that creates the account.
-- Guest mode (`guest = true`, for older media: System error 58): `guest ok
-- = yes` in the share and `map to guest = Bad User` in [global], so that
-- the made-up credentials WinPE passes log in as the guest account.
-- Both refuse null sessions (`restrict anonymous = 2`).
-- The share is read-only unless `writable = true` (then the text and the
-- `notes` say so).  `hosts_allow` limits it to the deployment network.
-- `server min protocol = SMB2` in [global]: Windows 10 and later do not
-- speak SMB1.  `testparm -s` accepts every configuration this writes.
-- @module peforge.smbconf
local batch = require "peforge.batch"
local check = require "peforge.check"

local M = {}

--- The deployment account of the default (authenticated) mode.
M.DEPLOY_USER = "peforge-deploy"

local T = check

local string_or_boolean = T.string_or_boolean

--- The options of pe.smbconf (also taken by the samba output, which
-- renders them after -D): `peforge help smbconf` prints them.
M.OPTIONS = {
  { name = "path", type = T.string(), default_text = "required",
    help = "The folder on the server that the share serves (absolute)." },
  { name = "share", type = T.string(), default = "REMINST",
    help = "The share name (1 to 80 characters, not global, homes or printers)." },
  { name = "comment", type = T.string(), default = "peforge WinPE deployment share",
    help = "The share's comment." },
  { name = "browsable", type = T.boolean, default = true,
    help = "Whether the share is listed (browseable)." },
  { name = "guest", type = T.boolean, default = false,
    help = "Guest mode (map to guest = Bad User, guest ok = yes) for media older than "
      .. "Windows 11 24H2; false: authenticated mode (signing negotiated)." },
  { name = "user", type = T.luatype("string|table", "string or list of strings"),
    default_text = "peforge-deploy, with a generated password",
    help = "The Samba user(s) or @group(s) allowed on the share (authenticated mode); "
      .. "a list or a blank/comma separated string." },
  { name = "writable", type = T.boolean, default = false,
    help = "Make the share writable (read-only otherwise)." },
  { name = "hosts_allow", type = T.luatype("string|table", "string or list of strings"),
    help = "Limit the share to these hosts or networks (\"192.168.10.0/24\")." },
  { name = "min_protocol", type = string_or_boolean("string or false"), default = "SMB2",
    help = "server min protocol in [global] (SMB2, SMB3, SMB2_10...), or false: not set." },
  { name = "workgroup", type = T.string(), default = "WORKGROUP",
    help = "The workgroup of the standalone smb.conf." },
  { name = "netbios_name", type = T.string(),
    help = "The NetBIOS name of the standalone smb.conf." },
  { name = "options", type = T.table,
    help = "More parameters of the share section: { [\"parameter name\"] = value }." },
  { name = "global", type = T.table,
    help = "More parameters of the [global] section." },
}

--- The keys of `outputs.samba` besides the pe.smbconf options: the samba
-- plugin's own, and what pe.smbconf{...} gives when a recipe renders it
-- itself (text, standalone, ...).
M.OUTPUT_OPTIONS = {
  { name = "dir", type = T.string(), default = "samba",
    help = "The folder the samba output writes, in the output folder." },
  { name = "copy_media", type = T.boolean, default = false,
    help = "Also copy the whole media tree into share/." },
  { name = "text", type = T.string(),
    help = "The smb.conf fragment (pe.smbconf{...}.text) instead of the options." },
  { name = "standalone", type = T.string(),
    help = "A whole smb.conf (pe.smbconf{...}.standalone), with text." },
  { name = "mode", type = T.enum { "guest", "user" },
    help = "With text: the share's mode, for the README." },
  { name = "smbpasswd", type = T.string(),
    help = "With text: the command that creates the user, for the README." },
}

--- The help text of `peforge help smbconf`.
function M.help()
  return check.render("pe.smbconf{...} options (also the samba output's outputs.samba = {...}):",
    M.OPTIONS) .. "\n" .. check.render("More keys of outputs.samba:", M.OUTPUT_OPTIONS)
end

--- The option names pe.smbconf takes (the samba output passes the others
-- to its plugin).
M.option_names = {}
for _, d in ipairs(M.OPTIONS) do M.option_names[d.name] = true end

local RESERVED = { global = true, homes = true, printers = true, ipc = true, ["ipc$"] = true }

--- A list from a string (blank/comma separated) or a list of strings.
local function list(v)
  if type(v) == "string" then
    local t = {}
    for w in v:gmatch("[^%s,]+") do t[#t + 1] = w end
    return t
  end
  return v
end

--- Check the options; returns a checked copy with defaults filled in.
local function options(opts)
  local o = check.options(opts, M.OPTIONS, "pe.smbconf")
  local function bad(k, why)
    batch.fail("pe.smbconf: option '%s': %s", k, why)
  end
  -- A value Samba reads back unchanged: no control characters, no blanks
  -- at either end (trimmed), no '\' at the end (line continuation).
  local function value(k, v)
    if type(v) ~= "string" then
      bad(k, "expected a string, got " .. type(v))
    end
    if v:find("[%z\1-\31\127]") then
      bad(k, "line breaks and control characters cannot be written in smb.conf")
    end
    if v:match("^%s") or v:match("%s$") then
      bad(k, "blanks at the start or the end would be dropped by Samba")
    end
    if v:match("\\$") then
      bad(k, "a '\\' at the end would join the next line in smb.conf")
    end
    return v
  end
  o.share = value("share", o.share or "REMINST")
  if o.share == "" or #o.share > 80 or o.share:find('[%[%]\\/:*?"<>|%%=;,+]')
      or RESERVED[o.share:lower()] then
    bad("share", "'" .. o.share .. "' is not a share name (1 to 80 characters, none of "
      .. "[ ] \\ / : * ? \" < > | % = ; , +, not global, homes, printers)")
  end
  if o.path == nil then
    bad("path", "missing: the folder on this server that the share serves (e.g. \"/srv/winimg\")")
  end
  value("path", o.path)
  if o.path:sub(1, 1) ~= "/" then
    bad("path", "'" .. o.path .. "' must be an absolute path")
  end
  if o.path:find("%", 1, true) then
    bad("path", "'%' would be read as a Samba substitution (%m, %U...)")
  end
  o.comment = value("comment", o.comment or "peforge WinPE deployment share")
  if o.comment:find("%", 1, true) then
    bad("comment", "'%' would be read as a Samba substitution")
  end
  if o.browsable == nil then o.browsable = true end
  if o.guest == nil then o.guest = false end
  if o.user ~= nil then
    o.users = list(o.user)
    if #o.users == 0 then
      bad("user", "expected a user name or a list of them")
    end
    for i, u in ipairs(o.users) do
      if type(u) ~= "string" or not u:match("^[@+&]*[%w_][%w%._%-]*%$?$") then
        bad("user", "entry " .. i .. " ('" .. tostring(u) .. "') is not a user or @group name "
          .. "(letters, digits, . _ -)")
      end
    end
  end
  if o.guest and o.users then
    bad("user", "a user is for authenticated mode; leave guest unset or give guest = false")
  end
  if not o.guest and not o.users then
    -- the deployment account, whose password peforge makes
    o.users = { M.DEPLOY_USER }
    o.deploy = true
  end
  o.writable = o.writable == true
  if o.hosts_allow ~= nil then
    o.hosts = list(o.hosts_allow)
    if #o.hosts == 0 then
      bad("hosts_allow", "expected a network (\"192.168.10.0/24\") or a list of them")
    end
    for i, h in ipairs(o.hosts) do
      if type(h) ~= "string" or not h:match("^[%w%.:/%-%*%[%]]+$") then
        bad("hosts_allow", "entry " .. i .. " ('" .. tostring(h) .. "') is not a host, network "
          .. "or address pattern")
      end
    end
  end
  if o.min_protocol == nil or o.min_protocol == true then o.min_protocol = "SMB2" end
  if o.min_protocol then
    value("min_protocol", o.min_protocol)
    local p = o.min_protocol:upper()
    if not (p == "SMB2" or p == "SMB3" or p:match("^SMB2_%d%d$") or p:match("^SMB3_%d%d$")) then
      bad("min_protocol", "'" .. o.min_protocol .. "' is not SMB2, SMB3, SMB2_10... "
        .. "(WinPE of Windows 10 and later cannot use SMB1)")
    end
  end
  o.workgroup = value("workgroup", o.workgroup or "WORKGROUP")
  if o.netbios_name then value("netbios_name", o.netbios_name) end
  for _, k in ipairs { "options", "global" } do
    if o[k] then
      local given = o[k]
      o[k] = {}
      for pk, pv in pairs(given) do
        if type(pk) ~= "string" or not pk:match("^%a[%a%d ]*%a$") then
          bad(k, "'" .. tostring(pk) .. "' is not a Samba parameter name")
        end
        if type(pv) == "boolean" then
          pv = pv and "yes" or "no"
        elseif type(pv) == "number" then
          pv = tostring(pv)
        end
        o[k][pk] = value(k .. "." .. pk, pv)
      end
    end
  end
  return o
end

local function sorted_pairs(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local i = 0
  return function()
    i = i + 1
    if keys[i] ~= nil then return keys[i], t[keys[i]] end
  end
end

--- The [global] lines every configuration carries (mode-dependent).
local function global_lines(o, L)
  if o.guest then
    L[#L + 1] = "# WinPE of Windows 10 and later refuses a guest logon without credentials"
    L[#L + 1] = "# (System error 58), so it maps the share with made-up ones; this maps a"
    L[#L + 1] = "# user name Samba does not know to the guest account. A known user with a"
    L[#L + 1] = "# wrong password is still refused."
    L[#L + 1] = "\tmap to guest = Bad User"
  end
  L[#L + 1] = "# No null sessions: nobody lists the share or reads the answer file"
  L[#L + 1] = "# without credentials."
  L[#L + 1] = "\trestrict anonymous = 2"
  if o.min_protocol then
    L[#L + 1] = "# Windows 10 and later do not speak SMB1."
    L[#L + 1] = "\tserver min protocol = " .. o.min_protocol
  end
  if o.global then
    for k, v in sorted_pairs(o.global) do
      L[#L + 1] = "\t" .. k .. " = " .. v
    end
  end
end

--- The share section.
local function share_lines(o, L)
  L[#L + 1] = "[" .. o.share .. "]"
  L[#L + 1] = "\tcomment = " .. o.comment
  L[#L + 1] = "\tpath = " .. o.path
  L[#L + 1] = "\tbrowseable = " .. (o.browsable and "yes" or "no")
  if o.writable then
    L[#L + 1] = "# WRITABLE because the recipe asks for it (writable = true): "
      .. (o.guest and "anyone who can reach this share" or "its users")
    L[#L + 1] = "# can change and delete the installation files."
    L[#L + 1] = "\tread only = no"
  else
    L[#L + 1] = "\tread only = yes"
  end
  if o.guest then
    L[#L + 1] = "\tguest ok = yes"
    L[#L + 1] = "# Unsigned guest sessions can use sendfile, which smbd tries only after"
    L[#L + 1] = "# asynchronous reads: twice the throughput with many clients."
    L[#L + 1] = "\tuse sendfile = yes"
    L[#L + 1] = "\taio read size = 0"
  else
    L[#L + 1] = "\tguest ok = no"
    L[#L + 1] = "\tvalid users = " .. table.concat(o.users, " ")
  end
  if o.hosts then
    L[#L + 1] = "# Only the deployment network may connect."
    L[#L + 1] = "\thosts allow = " .. table.concat(o.hosts, " ")
  end
  if o.options then
    for k, v in sorted_pairs(o.options) do
      L[#L + 1] = "\t" .. k .. " = " .. v
    end
  end
end

--- The Samba configuration of the deployment share.
-- @param opts options: share ("REMINST"), path (required: the folder
--   served), comment, browsable (true), guest (true unless user is given),
--   user (authenticated mode: a user, "@group", or a list: valid users),
--   writable (false), hosts_allow (a network or a list: "192.168.10.0/24"),
--   min_protocol ("SMB2"; false: leave Samba's default), workgroup
--   ("WORKGROUP", standalone only), netbios_name (standalone only),
--   options (more share parameters: { ["veto files"] = "..." }),
--   global (more [global] parameters).
-- @return table: text (the fragment), standalone (a whole smb.conf), share,
--   path, guest, users (list), user (the first), writable, hosts_allow
--   (text or nil), smbpasswd (the command creating the user, authenticated
--   mode), notes (list of things the administrator should know)
local function build(opts)
  local o = options(opts)
  local notes = {}
  local F = {}
  F[#F + 1] = "# smb.conf fragment made by peforge (pe.smbconf): the WinPE deployment share"
  F[#F + 1] = "# [" .. o.share .. "] (" .. (o.guest and "guest access" or "Samba users only")
    .. ", " .. (o.writable and "WRITABLE" or "read-only") .. ")."
  F[#F + 1] = "# Add it at the end of /etc/samba/smb.conf, or save it as"
  F[#F + 1] = "# /etc/samba/peforge-" .. o.share:gsub("[^%w%-_%.]", "_") .. ".conf and add this line at"
  F[#F + 1] = "# the end of smb.conf:"
  F[#F + 1] = "#     include = /etc/samba/peforge-" .. o.share:gsub("[^%w%-_%.]", "_") .. ".conf"
  F[#F + 1] = "# then check it with testparm -s and reload Samba: smbcontrol smbd reload-config"
  F[#F + 1] = "# Its [global] lines apply to the whole server."
  local S = {}
  S[#S + 1] = "# smb.conf made by peforge (pe.smbconf) for a server that serves the WinPE"
  S[#S + 1] = "# deployment share [" .. o.share .. "]. Install it as /etc/samba/smb.conf, check it"
  S[#S + 1] = "# with testparm -s and restart Samba: systemctl restart smbd"
  local smbpasswd
  if not o.guest then
    local names = {}
    for _, u in ipairs(o.users) do
      if u:match("^[%w_]") then names[#names + 1] = u end
    end
    if #names > 0 then
      smbpasswd = "smbpasswd -a " .. names[1]
      local how = {
        "# Create the Samba user once, as root (it must also be a Unix user:",
        "#     useradd --system --no-create-home --shell /usr/sbin/nologin " .. names[1] .. ")",
        "#     " .. smbpasswd,
      }
      if o.deploy then
        how = {
          "# Create the account once, as root, with the password peforge made:",
          "#     sh create-account.sh    (the samba output writes it, mode 0700)",
        }
      end
      for _, l in ipairs(how) do F[#F + 1] = l end
      for _, l in ipairs(how) do S[#S + 1] = l end
    end
  end
  F[#F + 1] = ""
  F[#F + 1] = "[global]"
  global_lines(o, F)
  F[#F + 1] = ""
  share_lines(o, F)

  S[#S + 1] = ""
  S[#S + 1] = "[global]"
  S[#S + 1] = "\tworkgroup = " .. o.workgroup
  if o.netbios_name then
    S[#S + 1] = "\tnetbios name = " .. o.netbios_name
  end
  S[#S + 1] = "\tserver string = peforge deployment server"
  S[#S + 1] = "\tserver role = standalone server"
  global_lines(o, S)
  S[#S + 1] = "\tload printers = no"
  S[#S + 1] = "\tprinting = bsd"
  S[#S + 1] = "\tprintcap name = /dev/null"
  S[#S + 1] = "\tdisable spoolss = yes"
  S[#S + 1] = "\tlog file = /var/log/samba/log.%m"
  S[#S + 1] = "\tmax log size = 1000"
  S[#S + 1] = ""
  share_lines(o, S)

  if o.writable then
    notes[#notes + 1] = "the share [" .. o.share .. "] is WRITABLE (writable = true): "
      .. (o.guest and "anyone who can reach it" or "its users") .. " can change the "
      .. "installation files"
  end
  if o.guest and not o.hosts then
    notes[#notes + 1] = "the guest share [" .. o.share .. "] is open to any host that can "
      .. "reach this server: set hosts_allow to the deployment network"
  end
  return {
    text = table.concat(F, "\n") .. "\n",
    standalone = table.concat(S, "\n") .. "\n",
    share = o.share,
    path = o.path,
    guest = o.guest,
    users = o.users,
    user = o.users and o.users[1],
    writable = o.writable,
    hosts_allow = o.hosts and table.concat(o.hosts, " "),
    min_protocol = o.min_protocol or nil,
    smbpasswd = smbpasswd,
    deploy = o.deploy or nil,
    notes = notes,
  }
end

--- Unguarded: for the library's own use (fails with batch.fail).
M.build = build

--- pe.smbconf: the Samba configuration (see `build`'s options).
M.smbconf = batch.guard(function(opts) return build(opts) end)

setmetatable(M, { __call = batch.guard(function(_, opts) return build(opts) end) })

return M
