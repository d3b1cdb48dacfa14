-- tests/unattend/domain.lua - arm64, joined to a domain in an OU, an
-- existing partition kept (no wipe), specialize commands, and the escape
-- hatch: a component the options do not cover (Remote Desktop on) and a
-- model tweak.  Golden: tests/golden/domain.xml.
local pe = require "peforge"
return {
  source = "media",
  unattend = pe.unattend {
    arch = "arm64",
    language = "fr-FR",
    disk = { wipe = false, partition = 3 },
    edition = "Enterprise",
    domain = { name = "corp.example.com", ou = "OU=Workstations,DC=corp,DC=example,DC=com",
      user = "joiner", password = "J0in!", user_domain = "CORP" },
    commands = { specialize = { [[reg add "HKLM\SOFTWARE\Contoso" /v Site /d Paris /f]] } },
    extra = {
      specialize = {
        ["Microsoft-Windows-TerminalServices-LocalSessionManager"] = { fDenyTSConnections = false },
        ["Networking-MPSSVC-Svc"] = { FirewallGroups = {
          { ["@wcm:keyValue"] = "RemoteDesktop", Active = true, Group = "Remote Desktop",
            Profile = "all" } } },
      },
    },
    customize = function(model)
      model.settings.oobeSystem["Microsoft-Windows-Shell-Setup"].OOBE.HideWirelessSetupInOOBE = nil
      return model
    end,
  },
}
