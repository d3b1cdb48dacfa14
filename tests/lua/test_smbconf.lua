-- tests/lua/test_smbconf.lua - pe.smbconf (the lines of each mode, the
-- refusals) and the library's finalizer for outputs.samba and start.
-- (tests/samba.test runs the configurations in a real smbd.)
local H = require "harness"
local pe = require "peforge"

-- The non-comment, non-empty lines of a configuration, trimmed.
local function params(text)
  local t = {}
  for line in text:gmatch("[^\n]+") do
    if not line:match("^%s*[#;]") then
      t[#t + 1] = line:match("^%s*(.-)%s*$")
    end
  end
  return table.concat(t, "\n") .. "\n"
end

H.test("authenticated mode (default): peforge-deploy, no null sessions, SMB2, read-only", function()
  local c = pe.smbconf { path = "/srv/winimg" }
  local p = params(c.text)
  H.has(p, "[global]\nrestrict anonymous = 2\nserver min protocol = SMB2\n[REMINST]\n")
  H.has(p, "path = /srv/winimg\nbrowseable = yes\nread only = yes\nguest ok = no\n"
    .. "valid users = peforge-deploy\n")
  H.hasnt(p, "map to guest")
  H.hasnt(p, "sendfile")
  H.has(c.text, "sh create-account.sh")
  H.eq(c.guest, false)
  H.eq(c.user, "peforge-deploy")
  H.eq(c.deploy, true)
  H.eq(#c.notes, 0)
end)

H.test("guest mode (guest = true): guest ok, map to guest, SMB2, read-only, sendfile", function()
  local c = pe.smbconf { path = "/srv/winimg", guest = true }
  local p = params(c.text)
  H.has(p, "[global]\nmap to guest = Bad User\nrestrict anonymous = 2\n"
    .. "server min protocol = SMB2\n[REMINST]\n")
  H.has(p, "path = /srv/winimg\nbrowseable = yes\nread only = yes\nguest ok = yes\n"
    .. "use sendfile = yes\naio read size = 0\n")
  H.hasnt(p, "valid users")
  H.hasnt(p, "hosts allow")
  local sp = params(c.standalone)
  H.has(sp, "server role = standalone server")
  H.has(sp, "map to guest = Bad User")
  H.has(sp, "[REMINST]\ncomment = peforge WinPE deployment share\npath = /srv/winimg\n")
  H.eq(c.share, "REMINST")
  H.eq(c.path, "/srv/winimg")
  H.eq(c.guest, true)
  H.eq(c.smbpasswd, nil)
  H.eq(c.writable, false)
  H.eq(#c.notes, 1, "a note: open to any host")
  H.has(c.notes[1], "hosts_allow")
end)

H.test("hosts_allow: a network or a list", function()
  H.has(pe.smbconf { path = "/s", hosts_allow = "192.168.10.0/24" }.text,
    "\thosts allow = 192.168.10.0/24\n")
  local c = pe.smbconf { path = "/s", hosts_allow = { "127.0.0.1", "10.0.2.0/24" } }
  H.has(c.text, "\thosts allow = 127.0.0.1 10.0.2.0/24\n")
  H.eq(c.hosts_allow, "127.0.0.1 10.0.2.0/24")
  H.eq(#c.notes, 0)
end)

H.test("writable only when asked, and it says so", function()
  local c = pe.smbconf { path = "/s", writable = true, hosts_allow = "10.0.0.0/8" }
  H.has(c.text, "# WRITABLE because the recipe asks for it (writable = true)")
  H.has(params(c.text), "read only = no\n")
  H.hasnt(c.text, "read only = yes")
  H.has(c.notes[1], "WRITABLE")
end)

H.test("authenticated mode: valid users, no guest, the smbpasswd line", function()
  local c = pe.smbconf { path = "/srv/winimg", user = "deploy", share = "WIN11" }
  local p = params(c.text)
  H.has(p, "[WIN11]\n")
  H.has(p, "guest ok = no\nvalid users = deploy\n")
  H.hasnt(p, "map to guest")
  H.has(p, "server min protocol = SMB2")
  H.eq(c.guest, false)
  H.eq(c.user, "deploy")
  H.eq(c.smbpasswd, "smbpasswd -a deploy")
  H.has(c.text, "#     smbpasswd -a deploy\n")
  H.has(c.standalone, "#     smbpasswd -a deploy\n")
  local g = pe.smbconf { path = "/s", guest = false, user = { "deploy", "@admins" } }
  H.has(g.text, "\tvalid users = deploy @admins\n")
end)

H.test("min_protocol, workgroup, netbios name and extra parameters", function()
  local c = pe.smbconf { path = "/s", min_protocol = "SMB3", workgroup = "LAB",
    netbios_name = "DEPLOY", options = { ["veto files"] = "/*.tmp/", ["strict locking"] = false },
    global = { ["log level"] = 1 } }
  H.has(c.text, "server min protocol = SMB3")
  H.has(c.standalone, "\tworkgroup = LAB\n\tnetbios name = DEPLOY\n")
  H.has(c.text, "\tstrict locking = no\n\tveto files = /*.tmp/\n")
  H.has(c.text, "\tlog level = 1\n")
  H.hasnt(pe.smbconf { path = "/s", min_protocol = false }.text, "min protocol")
end)

H.test("misuse: options named with what is wrong", function()
  H.raises(function() pe.smbconf {} end, "pe.smbconf: option 'path': missing")
  H.raises(function() pe.smbconf { path = "srv" } end, "must be an absolute path")
  H.raises(function() pe.smbconf { path = "/srv/%m" } end, "substitution")
  H.raises(function() pe.smbconf { path = "/srv\n[x]" } end, "line breaks")
  H.raises(function() pe.smbconf { path = "/srv\\" } end, "join the next line")
  H.raises(function() pe.smbconf { path = "/s", share = "a]b" } end, "option 'share'")
  H.raises(function() pe.smbconf { path = "/s", share = "global" } end, "option 'share'")
  H.raises(function() pe.smbconf { path = "/s", guest = true, user = "u" } end, "option 'user'")
  H.eq(pe.smbconf { path = "/s", guest = false }.user, "peforge-deploy",
    "authenticated mode without a user: the deployment account")
  H.raises(function() pe.smbconf { path = "/s", user = "bad;name" } end, "option 'user'")
  H.has(pe.smbconf { path = "/s", user = "a, b" }.text, "valid users = a b")
  H.raises(function() pe.smbconf { path = "/s", min_protocol = "NT1" } end, "SMB1")
  H.raises(function() pe.smbconf { path = "/s", hosts_allow = "a;b" } end, "hosts_allow")
  H.raises(function() pe.smbconf { path = 5 } end, "option 'path': expected string, got number")
  H.raises(function() pe.smbconf { path = "/s", copy_media = true } end,
    "unknown option 'copy_media'")
  local err = H.raises(function() pe.smbconf { path = 1 } end, "expected string")
  H.has(err, "test_smbconf.lua:", "reported at the caller's line")
end)

-- ---- the finalizer ------------------------------------------------------

local warnings = {}
pe.warn = function(fmt, ...) warnings[#warnings + 1] = string.format(fmt, ...) end

H.test("finalize: outputs.samba as a plain table is rendered", function()
  local r = pe.finalize { source = "x", outputs = { samba = { dir = "smb", share = "REMINST",
    path = "/srv/winimg", copy_media = true, hosts_allow = "10.0.2.0/24" } } }
  local s = r.outputs.samba
  H.has(s.text, "[REMINST]")
  H.has(s.standalone, "server role = standalone server")
  H.eq(s.dir, "smb")
  H.eq(s.copy_media, true)
  H.eq(s.mode, "user")
  H.eq(s.user, "peforge-deploy")
  H.eq(type(s.password), "string", "the generated password")
  H.eq(s.error, nil)
  local g = pe.finalize { outputs = { samba = { path = "/s", guest = true } } }.outputs.samba
  H.eq(g.mode, "guest")
  H.eq(g.password, nil)
  local u = pe.finalize { outputs = { samba = { path = "/s", user = "deploy" } } }.outputs.samba
  H.eq(u.mode, "user")
  H.eq(u.smbpasswd, "smbpasswd -a deploy")
end)

H.test("finalize: a string is the share's path; mistakes become the error argument", function()
  local r = pe.finalize { outputs = { samba = "/srv/winimg" } }
  H.eq(r.outputs.samba.path, "/srv/winimg")
  H.has(r.outputs.samba.text, "\tpath = /srv/winimg\n")
  H.eq(r.outputs.samba.dir, nil, "the plugin's default folder")
  local bad = pe.finalize { outputs = { samba = { dir = "smbdir" } } }
  H.eq(bad.outputs.samba.text, nil)
  H.eq(bad.outputs.samba.error, "outputs.samba: pe.smbconf: option 'path': missing: the folder "
    .. "on this server that the share serves (e.g. \"/srv/winimg\")")
  local given = pe.finalize { outputs = { samba = { text = "[x]\n", dir = "d" } } }
  H.eq(given.outputs.samba.text, "[x]\n", "a table with text is left alone")
end)

H.test("finalize: start as options is rendered; pe.startcmd's table is kept", function()
  local r = pe.finalize { start = { netuse = { server = "10.0.0.5" } } }
  H.has(r.start.text, 'set "PE_SERVER=10.0.0.5"')
  local made = pe.startcmd { netuse = {} }
  local r2 = pe.finalize { start = made }
  H.eq(r2.start, made)
  H.raises(function() pe.finalize { start = { bogus = 1 } } end,
    "recipe key 'start': pe.startcmd: unknown option 'bogus'")
end)

H.test("finalize: warns when start.cmd and the share do not match", function()
  warnings = {}
  pe.finalize { start = pe.startcmd { netuse = { share = "OTHER" } },
    outputs = { samba = { path = "/s", hosts_allow = "10.0.0.0/8" } } }
  H.eq(#warnings, 1)
  H.has(warnings[1], "maps the share 'OTHER' but outputs.samba configures 'REMINST'")
  warnings = {}
  pe.finalize { start = pe.startcmd { netuse = { guest = true } },
    outputs = { samba = { path = "/s", user = "deploy" } } }
  H.eq(#warnings, 1)
  H.has(warnings[1], "guest mode but outputs.samba configures it in authenticated mode")
  warnings = {}
  pe.finalize { start = pe.startcmd { netuse = {} },
    outputs = { samba = { path = "/s", writable = true, hosts_allow = "10.0.0.0/8" } } }
  H.eq(#warnings, 1)
  H.has(warnings[1], "WRITABLE")
end)

H.test("secrets: one notice names what carries the password, never the password", function()
  local r = pe.finalize { start = pe.startcmd { netuse = { server = "10.0.0.1" } },
    unattend = "<unattend><AdministratorPassword><Value>x</Value></AdministratorPassword></unattend>",
    outputs = { wim = "boot.wim", pxe = { dir = "tftp" }, samba = { path = "/s" } } }
  local pw = r.outputs.samba.password
  H.eq(r.start.netuse.user, "peforge-deploy")
  H.has(r.start.text, pw, "the start script presents the generated password")
  local n = require("peforge.secrets").notice(r)
  H.has(n, "start.cmd (the share's password) and the answer file")
  H.has(n, "output(s) pxe, wim")
  H.has(n, "readable by every client with the share's credentials")
  H.has(n, "deploy-password and create-account.sh")
  H.hasnt(n, pw)
  H.eq(require("peforge.secrets").notice { start = pe.startcmd { netuse = { guest = true } },
    outputs = { wim = "b.wim" } }, nil, "guest mode, no answer file: nothing to say")
end)

H.done()
