-- The demo recipe, run by `peforge demo` over the stand-in media it
-- generates next to this file (media/: a tree with a two-image boot.wim).
-- Copy it as a starting point: point `source` at a Windows ISO or folder.
local pe = require "peforge"

return {
  name   = "demo",
  source = "media",          -- relative paths are relative to this file
  image  = "setup",          -- boot.wim image 2, the Setup image
  -- X:\start.cmd, launched by winpeshl.ini instead of Setup
  start  = [[
@echo off
wpeinit
echo peforge demo: WinPE is up
cmd /k
]],
  files  = {
    ["Windows/System32/peforge-demo.txt"] = "built by peforge " .. pe.version .. "\n",
  },
  outputs = {
    wim = "boot.wim",         -- relative to the output folder (-o)
  },
}
