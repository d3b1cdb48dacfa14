-- scripts/recipes/deploy.lua - a network install of Windows from a Linux
-- server: WinPE maps \\SERVER\REMINST and runs Setup with the answer file.
--
--   peforge build deploy.lua -D source=Win11_24H2_English_x64.iso \
--       -D answer=autounattend.xml -D server=192.168.10.1
--
-- writes boot.wim (boot it with the pxe/iso outputs, or wimboot) and
-- samba/ (smb.conf, smb.conf.fragment, README.txt, create-account.sh,
-- deploy-password, share/: the media tree and the answer file).  See
-- docs/deploy.md and docs/samba.md.
local pe = require "peforge"
local D = pe.defines

-- The answer file: -D answer=FILE (an autounattend.xml of yours).
local answer
if D.answer then
  local f = assert(io.open(D.answer, "rb"))
  answer = f:read("a")
  f:close()
end

return {
  source = D.source or "Win11_24H2_English_x64.iso",
  start = pe.startcmd {
    netuse = {
      -- "gateway" fits QEMU user networking and NAT labs where the server
      -- is the router; "dhcp" fits a server running the DHCP service; an
      -- address fits everything else.
      server = D.server or "gateway",
      share = "REMINST",
      drive = "I:",
      -- the default: the deployment account peforge-deploy with the
      -- password peforge generates (Windows 11 24H2 requires signing and
      -- refuses guests; guest = true is for older media: docs/samba.md)
    },
    -- default run: I:\setup.exe /unattend:I:\autounattend.xml
  },
  unattend = answer,          -- goes to the share's root (and to boot media)
  outputs = {
    wim = "boot.wim",
    samba = {
      dir = "samba",
      share = "REMINST",
      path = D.share_path or "/srv/winimg",
      hosts_allow = D.network or "192.168.10.0/24",
      copy_media = true,      -- the ISO's tree, copied out without mounting
    },
  },
}
