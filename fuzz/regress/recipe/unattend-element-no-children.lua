-- tests/unattend/auto.lua - the disk layout decided at install time by the
-- firmware: two files (autounattend-uefi.xml, autounattend-bios.xml) that
-- the start script picks from with PEFirmwareType.  Goldens:
-- tests/golden/auto-uefi.xml, tests/golden/auto-bios.xml.
local pe = require "peforge"
return {
  source = "media",
  unattend = pe.unattend {
    disk = { layout = "auto", recovery = 800, windows_size = 60000 },
    edition = { name = "Windows 11 Enterprise" },
    product_key = "NPPR9-FWDCX-D2C8J-H872K-2YT43",
    accounts = { { name = "user", password = "pw" } },
  },
}
