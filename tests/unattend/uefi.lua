-- tests/unattend/uefi.lua - Windows 11 x64 on UEFI, installed from the
-- Samba share: the options most recipes use.  Golden: tests/golden/uefi.xml.
local pe = require "peforge"
return {
  source = "media",
  unattend = pe.unattend {
    language = "de-DE", ui_language = "en-US", input_locale = "0407:00000407",
    time_zone = "W. Europe Standard Time",
    computer_name = "LAB-PC-01",
    edition = "pro",
    install_from = { path = [[\\gateway\REMINST]], user = "deploy", password = "d3ploy!" },
    bypass_requirements = true, bypass_nro = true,
    accounts = {
      { name = "admin", password = "S3cret!", display_name = "Lab admin" },
      { name = "student", password = "", groups = { "Users" } },
    },
    administrator_password = "R00t&<pw>",
    autologon = { user = "admin", count = 2 },
    commands = {
      pe = { [[cmd /c echo WinPE > X:\pe.txt]] },
      first_logon = { [[cmd /c \\gateway\REMINST\postinstall.cmd]],
        { command = "shutdown /r /t 0", description = "restart once" } },
    },
    drivers = { pe = { [[\\gateway\REMINST\drivers\pe]] },
      system = { [[\\gateway\REMINST\drivers\amd64]] }, user = "deploy", password = "d3ploy!" },
    oem = { files = { ["$$/Setup/Scripts/SetupComplete.cmd"] = "@echo off\r\necho done\r\n" } },
    dynamic_update = false,
    workgroup = "LAB",
  },
}
