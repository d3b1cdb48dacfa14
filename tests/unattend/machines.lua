-- tests/unattend/machines.lua - per-machine answer files from a CSV
-- inventory and rules keyed by a fact (room), a MAC address and a serial
-- number, with %fact% templates and a function; and the start script that
-- finds the machine's file at install time (tests/machines.test runs it
-- in the WinPE simulator).  Goldens: tests/golden/machine-lab-01.xml,
-- machine-office-7.xml, machine-kiosk-bios.xml, machine-default.xml.
local pe = require "peforge"
local base = {
  time_zone = "UTC",
  accounts = { { name = "admin", password = "S3cret!" } },
  commands = { first_logon = { [[cmd /c \\gateway\REMINST\common.cmd]] } },
}
local machines = pe.machines {
  unattend = base,
  inventory = "machines.csv",
  defaults = { computer_name = "%name%" },
  rules = {
    { room = "lab", set = {
        domain = { name = "lab.example", ou = "OU=%room%,DC=lab,DC=example", user = "joiner",
          password = "J0in!" },
        commands = { first_logon = { [[cmd /c \\gateway\REMINST\lab.cmd %name%]] } } } },
    { mac = "52:54:00:99:99:99", name = "kiosk",
      set = { computer_name = "KIOSK-1", disk = { layout = "auto" }, autologon = true } },
    { serial = "5CG*", set = {
        time_zone = function(f) return f.room == "office" and "GMT Standard Time" or nil end } },
  },
}
return {
  source = "media",
  unattend = pe.unattend(base),
  machines = machines,
  -- a table of pe.startcmd options: the library renders it, and with
  -- `machines` set the script picks this machine's answer file itself
  start = {
    netuse = { server = "gateway", drive = "I:" },
  },
}
