--- peforge.machines.identify: the start-script side of pe.machines, the
-- batch block that finds the answer file of the machine it runs on.
-- @module peforge.machines.identify
local U = require "peforge.unattend"
local check = require "peforge.check"
local fail = check.fail

local M = {}


-- The subroutine :pf_ua_try (called with KIND PREFIX; the candidate in
-- %PF_UA_ID%, as getmac, ipconfig or wmic printed it): blanks removed, a "mac" must look like
-- 00-15-5D-85-6B-00, every candidate must be letters, digits, '.', '-',
-- '_' only (the names peforge writes); lower-cased, it is looked for as
-- DIR\PREFIX<id>-<firmware>.xml, then DIR\PREFIX<id>.xml.  It returns
-- with `exit /b` (Wine's cmd ends the calling FOR loop on `goto :eof`)
-- and uses no parenthesized IF blocks and no delayed expansion, which
-- Wine's cmd does not handle as Windows does.
local function try_sub(L)
  L[#L + 1] = "goto pf_ua_main"
  L[#L + 1] = ":pf_ua_try"
  L[#L + 1] = "if defined PF_UA_FILE exit /b 0"
  L[#L + 1] = "if not defined PF_UA_ID exit /b 0"
  L[#L + 1] = [[set "PF_UA_P=%~2"]]
  L[#L + 1] = [[set "PF_UA_ID=%PF_UA_ID: =%"]]
  L[#L + 1] = "if not defined PF_UA_ID exit /b 0"
  L[#L + 1] = [[if "%1"=="mac" if not "%PF_UA_ID:~2,1%%PF_UA_ID:~5,1%%PF_UA_ID:~8,1%]]
    .. [[%PF_UA_ID:~11,1%%PF_UA_ID:~14,1%"=="-----" exit /b 0]]
  L[#L + 1] = [[if "%1"=="mac" if not "%PF_UA_ID:~17%"=="" exit /b 0]]
  L[#L + 1] = [[set "PF_UA_T=%PF_UA_ID%"]]
  L[#L + 1] = [[for %%c in (a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 ]]
    .. [[8 9 . - _) do if defined PF_UA_T call set "PF_UA_T=%%PF_UA_T:%%c=%%"]]
  L[#L + 1] = "if defined PF_UA_T exit /b 0"
  L[#L + 1] = [[for %%c in (a b c d e f g h i j k l m n o p q r s t u v w x y z) do ]]
    .. [[call set "PF_UA_ID=%%PF_UA_ID:%%c=%%c%%"]]
  L[#L + 1] = [[if exist "%PF_UA_DIR%\%PF_UA_P%%PF_UA_ID%-%PF_FIRMWARE%.xml" ]]
    .. [[set "PF_UA_FILE=%PF_UA_DIR%\%PF_UA_P%%PF_UA_ID%-%PF_FIRMWARE%.xml"]]
  L[#L + 1] = [[if not defined PF_UA_FILE if exist "%PF_UA_DIR%\%PF_UA_P%%PF_UA_ID%.xml" ]]
    .. [[set "PF_UA_FILE=%PF_UA_DIR%\%PF_UA_P%%PF_UA_ID%.xml"]]
  L[#L + 1] = [[if defined PF_UA_FILE set "PF_UA_MATCH=%PF_UA_P%%PF_UA_ID%"]]
  L[#L + 1] = "exit /b 0"
  L[#L + 1] = ":pf_ua_main"
end

--- The batch block (LF line ends) that finds this machine's answer file
-- at install time and sets %VAR% to its path: the MACs of getmac, then of
-- ipconfig /all, then the SMBIOS UUID and serial number from wmic (when
-- WinPE has WinPE-WMI), each tried as DIR\<id>-<firmware>.xml then
-- DIR\<id>.xml (uuid-<uuid>, sn-<serial>); else DIR\default-<firmware>.xml,
-- then DIR\default.xml.  Also sets %PF_FIRMWARE% (uefi or bios) and
-- %PF_UA_MATCH% (the name that matched; empty for the default).  The
-- block defines the labels pf_ua_try and pf_ua_main: put it once in a
-- script, in a batch file (it uses call :label).
-- Options: root ("I:", where the share is mapped) or root_var (a variable
-- holding it), var ("PF_UNATTEND"), dir (the machines' folder).
function M.identify(self, opts)
  opts = opts or {}
  if type(opts) ~= "table" then fail("identify: expected a table of options") end
  for k in pairs(opts) do
    if not (k == "root" or k == "root_var" or k == "var" or k == "dir") then
      check.unknown(k, { "root", "root_var", "var", "dir" }, "identify")
    end
  end
  local line, ref = U.root_line(opts, "identify")
  local var = opts.var or "PF_UNATTEND"
  if type(var) ~= "string" or not var:match("^[%a_][%w_]*$") then
    fail("identify: option 'var': expected a variable name")
  end
  local folder = opts.dir or (self and self.dir) or "unattend"
  if type(folder) ~= "string" or not folder:match("^[%w_%-]+$") then
    fail("identify: option 'dir': expected a folder name (letters, digits, - and _)")
  end
  local L = { "rem ---- peforge: identify this machine, choose its answer file ----" }
  try_sub(L)
  if line then L[#L + 1] = line end
  L[#L + 1] = U.firmware_lines()
  L[#L + 1] = 'set "PF_UA_DIR=' .. ref .. "\\" .. folder .. '"'
  L[#L + 1] = 'set "PF_UA_FILE="'
  L[#L + 1] = 'set "PF_UA_MATCH="'
  L[#L + 1] = "rem MAC addresses: getmac, then ipconfig /all"
  L[#L + 1] = [[for /f "tokens=1 delims=," %%a in ('getmac /fo csv /nh 2^>nul') do ]]
    .. [[(set "PF_UA_ID=%%~a" & call :pf_ua_try mac "")]]
  L[#L + 1] = [[if not defined PF_UA_FILE for /f "tokens=1,* delims=:" %%a in ]]
    .. [[('ipconfig /all 2^>nul ^| find "-"') do (set "PF_UA_ID=%%b" & call :pf_ua_try mac "")]]
  L[#L + 1] = "rem SMBIOS UUID and serial number (wmic, when WinPE has WinPE-WMI)"
  for _, w in ipairs { { "csproduct get uuid", "uuid-" }, { "bios get serialnumber", "sn-" } } do
    L[#L + 1] = 'set "PF_UA_ID="'
    L[#L + 1] = [[if not defined PF_UA_FILE for /f "tokens=2 delims==" %%a in ('wmic ]]
      .. w[1] .. [[ /value 2^>nul') do for /f "delims=" %%b in ("%%a") do set "PF_UA_ID=%%b"]]
    L[#L + 1] = 'call :pf_ua_try id "' .. w[2] .. '"'
  end
  L[#L + 1] = [[if not defined PF_UA_FILE if exist "%PF_UA_DIR%\default-%PF_FIRMWARE%.xml" ]]
    .. [[set "PF_UA_FILE=%PF_UA_DIR%\default-%PF_FIRMWARE%.xml"]]
  L[#L + 1] = [[if not defined PF_UA_FILE set "PF_UA_FILE=%PF_UA_DIR%\default.xml"]]
  L[#L + 1] = 'set "' .. var .. '=%PF_UA_FILE%"'
  L[#L + 1] = "echo peforge: answer file %" .. var .. "% (firmware %PF_FIRMWARE%)"
  return table.concat(L, "\n") .. "\n"
end

return M
