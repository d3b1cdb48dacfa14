-- tests/unattend/bios.lua - BIOS/MBR with a recovery partition, the image
-- picked by index, no product key, the built-in Administrator, passwords
-- in plain text.  Golden: tests/golden/bios.xml.
local pe = require "peforge"
return {
  source = "media",
  unattend = pe.unattend {
    arch = "x86",
    disk = { layout = "bios", id = 1, recovery = true, system_size = 500 },
    edition = 3, product_key = false,
    computer_name = "random",
    administrator_password = "Adm1n!",
    autologon = "Administrator",
    hide_passwords = false,
    oobe = { protect_your_pc = 1, network_location = "Work" },
  },
}
