--- peforge.secrets: the run's one notice about the passwords its outputs
-- carry, and who can read them.  Printed even with -q (a notice, not an
-- ordinary warning); it names files and outputs, never a password.
-- @module peforge.secrets
local M = {}

--- 1 when TEXT looks like an answer file holding a password (accounts,
-- autologon, domain join).
local function has_password(text)
  if type(text) ~= "string" then return false end
  return text:find("<%w*Password>") ~= nil or text:find("<Credentials>") ~= nil
end

--- 1 when the recipe's answer file(s) hold a password.
local function answer_secret(recipe)
  local u = recipe.unattend
  if has_password(u) then return true end
  if type(u) == "table" and type(u.files) == "table" then
    for _, f in pairs(u.files) do
      if has_password(type(f) == "table" and f.text or f) then return true end
    end
  end
  return false
end

--- What the notice says (nil when the run carries no secret).
function M.notice(recipe)
  local start = type(recipe.start) == "table" and recipe.start or nil
  local nu = start and type(start.netuse) == "table" and start.netuse or nil
  local start_secret = nu and nu.guest == false
  local answer = answer_secret(recipe)
  local outputs = type(recipe.outputs) == "table" and recipe.outputs or {}
  local samba = type(outputs.samba) == "table" and outputs.samba or nil
  if samba and samba.error then
    return nil -- the run fails with the samba output's one error line
  end
  local images = {}
  for k in pairs(outputs) do
    if k ~= "samba" then images[#images + 1] = tostring(k) end
  end
  table.sort(images)
  local parts = {}
  local what = {}
  if start_secret then what[#what + 1] = "start.cmd (the share's password)" end
  if answer then what[#what + 1] = "the answer file (account or domain passwords)" end
  if #what > 0 and #images > 0 then
    parts[#parts + 1] = table.concat(what, " and ") .. " inside the boot image of output(s) "
      .. table.concat(images, ", ") .. ": readable by anyone holding the image or reaching "
      .. "its TFTP/HTTP server"
  end
  if samba and answer then
    parts[#parts + 1] = "the answer file in the share: readable by every client "
      .. (samba.mode == "guest" and "(a guest share: by anyone reaching it)"
        or "with the share's credentials")
  end
  if samba and samba.password then
    parts[#parts + 1] = "the samba output's deploy-password and create-account.sh: "
      .. "mode 0600/0700, readable by their owner and root"
  end
  if #parts == 0 then return nil end
  return "secrets: " .. table.concat(parts, "; ")
end

--- Finalizer: the notice, kept in M.pending; peforge prints it once when
-- every output is written (a failing run prints only its error line).
-- Outside peforge (no C core) it is printed at once.
function M.finalize(recipe)
  local text = M.notice(recipe)
  M.pending = text
  local core = require "peforge.core"
  if text and not core.deploy_password then
    core.log("notice", text)
  end
  return recipe
end

return M
