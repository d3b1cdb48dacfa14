-- peforge: the Lua library recipes load with `local pe = require "peforge"`.
--
-- Library functions return plain text (or a table with a `text` field), so a
-- recipe can print, tweak or test what they generate before returning it.
--
-- The submodules (peforge.batch, peforge.netuse, peforge.startcmd,
-- peforge.smbconf) need no C code: they load in plain lua5.4 too.  Outside
-- peforge, where the C module peforge.core is absent, this module uses a
-- stand-in (version "dev", no -D definitions, messages on stderr).
local has_core, core = pcall(require, "peforge.core")
if not has_core then
  core = {
    version = "dev",
    defines = {},
    log = function(level, msg)
      io.stderr:write("peforge: recipe: ", level == "info" and "" or (level .. ": "), msg, "\n")
    end,
  }
  package.loaded["peforge.core"] = core -- the one stand-in for every module
end

local batch = require "peforge.batch"
local check = require "peforge.check"
local netuse = require "peforge.netuse"
local startcmd = require "peforge.startcmd"
local smbconf = require "peforge.smbconf"

local M = {}

--- The peforge version string ("0.1.0").
M.version = core.version

--- The -D key=value definitions of the command line, as strings.  The
-- keys the recipe reads are remembered: a definition that reaches no
-- recipe key and that the recipe never reads is an error (peforge.recipe).
local defines_read = {}
M.defines = setmetatable({}, {
  __index = function(_, k)
    defines_read[k] = true
    return core.defines[k]
  end,
  __newindex = function(_, k, v) core.defines[k] = v end,
  __pairs = function()
    for k in pairs(core.defines) do defines_read[k] = true end
    return next, core.defines, nil
  end,
  __len = function() return #core.defines end,
})

--- The set of -D keys the recipe has read through pe.defines.
function M.defines_read()
  return defines_read
end

--- Log a message (string.format arguments) on peforge's stderr.
function M.log(fmt, ...)
  core.log("info", string.format(fmt, ...))
end

--- Log a warning (string.format arguments).
function M.warn(fmt, ...)
  core.log("warn", string.format(fmt, ...))
end

--- TEXT with CRLF line ends (what cmd.exe and INI files expect).
-- Lone LF become CRLF; existing CRLF are kept.
function M.crlf(text)
  if type(text) ~= "string" then
    error("pe.crlf: expected a string, got " .. type(text), 2)
  end
  return (text:gsub("\r?\n", "\r\n"))
end

--- Escaping for cmd.exe batch files (see scripts/peforge/batch.lua).
M.batch = batch

--- The WinPE start script: { text = CRLF script, netuse = ..., ... }.
-- See scripts/peforge/startcmd.lua and docs/deploy.md.
M.startcmd = startcmd.startcmd

--- The `net use` block of a start script: { text = ..., ... }.
-- See scripts/peforge/netuse.lua and docs/deploy.md.
M.netuse = netuse.netuse

--- The Samba configuration of the deployment share:
-- { text = fragment, standalone = smb.conf, ... }.
-- See scripts/peforge/smbconf.lua and docs/deploy.md.
M.smbconf = smbconf.smbconf

--- Called by peforge on the table a recipe returns (after -D definitions),
-- to fill in what the library derives from it.  Modules add steps to
-- M.finalizers: functions(recipe) returning the recipe.  Returns the recipe.
M.finalizers = {}
function M.finalize(recipe)
  for _, step in ipairs(M.finalizers) do
    recipe = step(recipe) or recipe
  end
  return recipe
end

--- The message of error E (a check.fail misuse, or anything else).
local function message(e)
  if check.is_misuse(e) then
    return tostring(e)
  end
  return tostring(e):gsub("^[^:]*%.lua:%d+: ", "")
end

--- Finalizer: `start` given as a plain table of pe.startcmd options (no
-- `text`) is rendered with pe.startcmd, so that -D start.netuse.server=...
-- works.  A table made by pe.startcmd (it has `text`) is left as it is.
local function finalize_start(recipe)
  local start = recipe.start
  -- the kept deployment password lives in the samba output's folder
  local samba = type(recipe.outputs) == "table" and recipe.outputs.samba
  if type(samba) == "table" and type(samba.dir) == "string" and core.deploy_password then
    core.deploy_password(samba.dir)
  end
  if type(start) ~= "table" or start.text ~= nil then
    return recipe
  end
  -- per-machine answer files: the start script picks this machine's
  if start.machines == nil and start.run == nil and type(recipe.machines) == "table"
      and type(recipe.machines.identify) == "function" then
    start.machines = recipe.machines
  end
  local ok, res = pcall(startcmd.build, start)
  if not ok then
    -- an error object with __tostring: peforge prints it as one line
    check.fail("recipe key 'start': %s", message(res))
  end
  recipe.start = res
  return recipe
end

--- Finalizer: `outputs.samba` given as a string (the share's folder on
-- the server, like every output's `NAME = "path"`, which is
-- `{ path = "path" }`) or a table without `text` is rendered with
-- pe.smbconf: its pe.smbconf options
-- (share, path, guest, user, writable, hosts_allow, ...) give `text` (the
-- fragment), `standalone` (a whole smb.conf), `smbpasswd` and `mode`; the
-- other keys (dir, copy_media) stay for the plugin.  On a mistake the
-- table gets `error` (the message) instead, which the samba output
-- reports as its one error line.  Also warns when the start script maps
-- another share, or in another mode, than the one configured.
-- The keys the samba output plugin reads (its descriptor declares them);
-- the pe.smbconf options are consumed here and not passed on.
local SAMBA_PLUGIN_KEYS = {
  dir = true, copy_media = true, text = true, standalone = true, share = true,
  path = true, mode = true, smbpasswd = true, error = true, recipe_dir = true,
  user = true, password = true,
}

-- Leave in SAMBA only the keys the plugin reads; with ERR, only `error`.
local function samba_handover(samba, err)
  for k in pairs(samba) do
    if (err and k ~= "recipe_dir") or not SAMBA_PLUGIN_KEYS[k] then
      samba[k] = nil
    end
  end
  if err then
    samba.error = err
  end
end

local function finalize_samba(recipe)
  local outputs = recipe.outputs
  if type(outputs) ~= "table" then
    return recipe
  end
  local samba = outputs.samba
  if type(samba) == "string" then
    samba = { path = samba }
    outputs.samba = samba
  end
  if type(samba) ~= "table" then
    return recipe
  end
  for _, k in ipairs { "text", "standalone" } do
    if samba[k] ~= nil and type(samba[k]) ~= "string" then
      samba_handover(samba, string.format("outputs.samba: '%s': expected a string "
        .. "(pe.smbconf{...}.%s), got %s", k, k, type(samba[k])))
      return recipe
    end
  end
  for k in pairs(samba) do
    if k ~= "error" and k ~= "recipe_dir" and not smbconf.option_names[k]
        and not check.find(smbconf.OUTPUT_OPTIONS, k) then
      local names = check.names(smbconf.OUTPUT_OPTIONS)
      for n in pairs(smbconf.option_names) do names[#names + 1] = n end
      local _, err = pcall(check.unknown, k, names, "outputs.samba")
      samba_handover(samba, tostring(err))
      return recipe
    end
  end
  if samba.text == nil then
    local opts = {}
    for k, v in pairs(samba) do
      if smbconf.option_names[k] then opts[k] = v end
    end
    local ok, res = pcall(smbconf.build, opts)
    if not ok then
      samba_handover(samba, "outputs.samba: " .. message(res))
      return recipe
    end
    samba.text = res.text
    samba.standalone = res.standalone
    samba.share = res.share
    samba.path = res.path
    samba.mode = res.guest and "guest" or "user"
    samba.smbpasswd = res.smbpasswd
    if res.deploy then
      -- the deployment account: the password peforge keeps in the samba
      -- folder (the start script's default is the same one)
      samba.user = res.user
      samba.password = netuse.deploy_password(samba.dir)
    end
    for _, n in ipairs(res.notes) do
      M.warn("outputs.samba: %s", n)
    end
  end
  samba_handover(samba)
  local start = recipe.start
  if type(start) == "table" and start.share and samba.share then
    if start.share:lower() ~= tostring(samba.share):lower() then
      M.warn("start.cmd maps the share '%s' but outputs.samba configures '%s'",
        start.share, tostring(samba.share))
    end
    if samba.mode and start.guest ~= nil and (samba.mode == "guest") ~= start.guest then
      M.warn("start.cmd maps the share in %s mode but outputs.samba configures it in %s mode",
        start.guest and "guest" or "authenticated", samba.mode == "guest" and "guest"
        or "authenticated")
    end
  end
  return recipe
end

M.finalizers[#M.finalizers + 1] = finalize_start
M.finalizers[#M.finalizers + 1] = finalize_samba
M.finalizers[#M.finalizers + 1] = require("peforge.secrets").finalize

--- Answer files: pe.unattend{...} (scripts/peforge/unattend.lua) and the
-- per-machine rules pe.machines{...} (scripts/peforge/machines.lua); see
-- docs/unattend.md.  Loaded on first use: they need the C module
-- peforge.unattend_core, which only the peforge program has.
function M.unattend(opts) return require("peforge.unattend").unattend(opts) end
function M.machines(opts) return require("peforge.machines").machines(opts) end
M.finalizers[#M.finalizers + 1] = function(recipe)
  if type(recipe.unattend) == "table" and type(recipe.unattend.files) == "table" then
    return require("peforge.unattend").finalize(recipe)
  end
  return recipe
end

return M
