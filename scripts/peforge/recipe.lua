--- peforge.recipe: the recipe's own keys, declared once (type, default,
-- help), and the check peforge runs on the table a recipe returns, after
-- the -D definitions and pe.finalize (core/recipe.c calls `check` before
-- it reads the plan).  `peforge help recipe` prints the declarations.
--
-- An unknown key is an error, with "did you mean" when a key is close; so
-- is a -D definition that reaches no recipe key and that the recipe never
-- reads (through pe.defines).  The core still reads each value by type
-- and checks what only it can (paths, destinations, outputs).
-- @module peforge.recipe
local check = require "peforge.check"
local T = check

local M = {}

--- A string, or a table with a string field `text` (what pe.* helpers
-- return); the core checks the `text` field.
local TEXT = T.luatype("string|table", "string or table with a 'text' field")

--- The recipe keys (the contract of docs/recipes.md).
M.KEYS = {
  { name = "name", type = T.string(), help = "A name for the recipe (not used yet)." },
  { name = "description", type = T.string(), help = "Free text (not used yet)." },
  { name = "source", type = T.path(), default_text = "required",
    help = "The Windows media: an ISO file, a media folder, an ADK copype folder, a WAIK "
      .. "supplement folder or a bare boot.wim; relative to the recipe's folder." },
  { name = "source_type", type = T.string { name = "string (a source plugin name)" },
    default_text = "detected",
    help = "The source plugin to use instead of the best probe: dir, iso, adk, wim, ..." },
  { name = "boot_files", type = T.path("string (a folder)"),
    help = "With a bare boot.wim source: a folder laid out like the root of Windows media." },
  { name = "arch", type = T.string(), default_text = "detected",
    help = "The architecture the recipe expects: x86, amd64 or arm64." },
  { name = "image", type = T.luatype("string|number", "string or number"),
    default_text = "2 when boot.wim has two or more images, else 1",
    help = "The boot.wim image to customize: \"setup\", \"pe\", \"boot\" or an index." },
  { name = "start", type = TEXT,
    help = "The start script (X:\\start.cmd, launched by winpeshl.ini): text, "
      .. "pe.startcmd{...}, or a table of pe.startcmd options (peforge help startcmd)." },
  { name = "overlay", type = T.path("string (a folder)"),
    help = "A host folder merged into the image root." },
  { name = "files", type = T.table,
    help = "Files in the image: DEST = \"text\" | { path = \"host file\" } | { text = ... }." },
  { name = "drivers", type = T.luatype("string|table", "string or table of folders"),
    help = "Folders of Windows driver packages (INF): a folder, or a list and dest." },
  { name = "unattend", type = TEXT,
    help = "The answer file (autounattend.xml on the medium): text or pe.unattend{...} "
      .. "(peforge help unattend)." },
  { name = "machines", type = T.table,
    help = "Per-machine answer files: pe.machines{...} (peforge help machines)." },
  { name = "media", type = T.table,
    help = "Files at the boot medium's root, in the same form as files." },
  { name = "outputs", type = T.table, default_text = "required (at least one)",
    help = "What to write: NAME = \"path\" or NAME = { options }: wim, iso, disk, pxe, "
      .. "samba (peforge help smbconf), ..." },
  { name = "keep_setup", type = T.boolean, default = false,
    help = "Leave setup.exe alone in a Setup image (else renamed so start.cmd runs)." },
  { name = "inplace", type = T.boolean, default = false,
    help = "Update a bare boot.wim source in place instead of writing a new WIM." },
}

--- The help text of `peforge help recipe`.
function M.help()
  return check.render("Recipe keys (docs/recipes.md); -D KEY=VALUE sets them too:", M.KEYS)
end

local HINT = "peforge help recipe lists the keys"

--- The -D definitions that reach no recipe key and that the recipe did
-- not read: each fails, naming FILE.  RECIPE is the table.
local function check_defines(recipe, file)
  local ok, core = pcall(require, "peforge.core")
  if not ok or type(core.defines) ~= "table" then return end
  local pe = package.loaded["peforge"]
  local read = type(pe) == "table" and pe.defines_read and pe.defines_read() or {}
  local keys = {}
  for k in pairs(core.defines) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local first = k:match("^[^.]*")
    if recipe[first] == nil and not check.find(M.KEYS, first) and not read[k] then
      local ok2, err = pcall(check.unknown, first, check.names(M.KEYS), nil, "recipe key", nil,
        "not read by the recipe as pe.defines[\"" .. k .. "\"]; " .. HINT)
      if not ok2 then
        error(string.format("%s: -D %s: %s", file, k, tostring(err)), 0)
      end
    end
  end
end

--- Check the recipe table RECIPE (from FILE): every string key declared,
-- each of its type; boolean keys are stored as booleans (the boolean
-- rule).  -D definitions that set nothing and were not read fail too.
-- Raises an error "FILE: ..." (a string) on the first mistake.
function M.check(recipe, file)
  file = file or "recipe"
  local keys = {}
  for k in pairs(recipe) do
    if type(k) == "string" then keys[#keys + 1] = k end
  end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local d = check.find(M.KEYS, k)
    local ok, res = pcall(function()
      if not d then check.unknown(k, check.names(M.KEYS), nil, "recipe key", nil, HINT) end
      return d.type.check(recipe[k], "recipe key '" .. k .. "'")
    end)
    if not ok then
      error(file .. ": " .. tostring(res), 0)
    end
    recipe[k] = res
  end
  check_defines(recipe, file)
  return recipe
end

return M
