-- peforge: the Lua library recipes load with `local pe = require "peforge"`.
--
-- Library functions return plain text (or a table with a `text` field), so a
-- recipe can print, tweak or test what they generate before returning it.
local core = require "peforge.core"

local M = {}

--- The peforge version string ("0.1.0").
M.version = core.version

--- The -D key=value definitions of the command line, as strings.
M.defines = core.defines

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

return M
