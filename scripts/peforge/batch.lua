--- peforge.batch: writing values into Windows batch files (cmd.exe) safely.
--
-- Every value a generated script carries (server, share, user, password,
-- paths, commands, messages) goes through ONE function, `escape`, which
-- knows how cmd.exe reads a line of a batch file:
--
--  * phase 1, percent expansion, runs on the whole line before anything
--    else, inside double quotes or not: a literal `%` is written `%%`;
--  * phase 2 splits the line on `& | < > ( )` and takes `^` as an escape
--    for the next character, but only OUTSIDE double quotes; an unescaped
--    `"` starts or ends a quoted part, an escaped one (`^"`) is a plain
--    character;
--  * `!` is only special with delayed expansion, which peforge scripts
--    never enable: they start with `setlocal DisableDelayedExpansion`, so
--    `!` is written as it is.  Do NOT paste these lines into a script that
--    runs with `setlocal EnableDelayedExpansion`.
--
-- `escape(s, context)` serves three contexts:
--
--  * "text" (the default): S is literal text outside quotes (after
--    `echo `, in `set NAME=`): `%` becomes `%%`, and each of
--    `^ & | < > ( ) "` gets a `^` in front, so no quoted part ever starts
--    and the text ends where it began: outside quotes;
--  * "quoted": S goes between double quotes the script writes itself
--    (`set "NAME=..."`, `"C:\path"`): only `%` needs doubling; a `"` in S
--    would end the quotes and is refused (use "text" then);
--  * "command": S is a command line given by a user, whose double quotes
--    delimit arguments (`"C:\Program Files\x.exe" /a`): the quotes are
--    kept as quotes, `%` is doubled everywhere, and `^ & | < > ( )` get a
--    `^` where they are outside quotes.  Unbalanced quotes are refused.
--
-- CR, LF, NUL and the other control characters (all but TAB) cannot be
-- carried by a batch line at all; they are refused.  Bytes >= 0x80 pass
-- through unchanged; cmd reads them in the console's OEM code page.
--
-- The helpers built on it:
--
--  * `echo(text)`: a line printing TEXT byte for byte;
--  * `set(name, value)`: `set "NAME=value"` ("quoted"), or `set NAME=value`
--    ("text") when VALUE holds a `"`: VALUE is stored byte for byte; an
--    empty VALUE removes the variable, as cmd does;
--  * `arg(value)`: one argument of an external program, as its C runtime
--    splits the command line (Microsoft C rules): in double quotes when it
--    holds a blank or a cmd special character, so that no caret is needed
--    (the program gets the bytes even from command processors that keep
--    carets in program arguments, as Wine's cmd does).  A `"` inside an
--    argument cannot be written so that cmd and every C runtime agree: it
--    is refused;
--  * `quote(path)`: a `"quoted"` path (drvload, if exist); Windows paths
--    cannot hold `"`;
--  * `command(line)`: a user's command line ("command"), or a list of
--    arguments (each with `arg`).
--
-- Works in plain Lua 5.4: no C module needed.
-- @module peforge.batch
local checks = require "peforge.check"

local M = {}

local CMD_SPECIAL = {
  ["&"] = true, ["|"] = true, ["<"] = true, [">"] = true,
  ["("] = true, [")"] = true, ["^"] = true,
}

--- The longest line cmd.exe accepts (characters after expansion).
M.MAX_LINE = 8191

-- Misuse errors (peforge.check): library code raises them with `fail`;
-- the public functions are wrapped by `guard`, which turns the outermost
-- one into an ordinary error message pointing at the caller's line.
M.fail = checks.fail
M.is_misuse = checks.is_misuse
M.guard = checks.guard

-- ---------------------------------------------------------------------

--- Check that VALUE can be written into a batch line; returns it as text.
-- Numbers are converted to text.  Fails, naming WHAT, when VALUE is not a
-- string or a number, or holds CR, LF, NUL or another control character
-- but TAB.
local function check(value, what)
  if type(value) == "number" then
    value = tostring(value)
  end
  if type(value) ~= "string" then
    M.fail("%s: expected a string, got %s", what, type(value))
  end
  local bad = value:find("[%z\1-\8\10-\31\127]")
  if bad then
    M.fail("%s: character 0x%02X at byte %d cannot be written into a batch file "
      .. "(no line breaks or control characters)", what, value:byte(bad), bad)
  end
  return value
end

--- THE escaping function (see the module comment).
local function escape(s, context)
  s = check(s, "batch.escape")
  context = context or "text"
  local out = {}
  if context == "text" then
    for i = 1, #s do
      local c = s:sub(i, i)
      if c == "%" then
        out[i] = "%%"
      elseif c == '"' or CMD_SPECIAL[c] then
        out[i] = "^" .. c
      else
        out[i] = c
      end
    end
  elseif context == "quoted" then
    if s:find('"', 1, true) then
      M.fail("batch.escape: a double quote cannot be written inside double quotes "
        .. "(use the text context)")
    end
    return (s:gsub("%%", "%%%%"))
  elseif context == "command" then
    local q = false
    for i = 1, #s do
      local c = s:sub(i, i)
      if c == "%" then
        out[i] = "%%"
      elseif c == '"' then
        q = not q
        out[i] = c
      elseif not q and CMD_SPECIAL[c] then
        out[i] = "^" .. c
      else
        out[i] = c
      end
    end
    if q then
      M.fail("batch.escape: unbalanced double quotes in the command '%s'", s)
    end
  else
    M.fail("batch.escape: unknown context '%s' (text, quoted or command)", tostring(context))
  end
  return table.concat(out)
end

local function varname(name)
  if type(name) ~= "string" or not name:match("^[%a_][%w_]*$") then
    M.fail("batch: a variable name is letters, digits and _, got %s",
      type(name) == "string" and ("'" .. name .. "'") or type(name))
  end
  return name
end

local function join(parts)
  if type(parts) ~= "table" then
    return escape(parts, "text")
  end
  local out = {}
  for i, p in ipairs(parts) do
    if type(p) == "table" and p.ref then
      out[i] = "%" .. varname(p.ref) .. "%"
    else
      out[i] = escape(check(p, "batch.join[" .. i .. "]"), "text")
    end
  end
  return table.concat(out)
end

local function msvcrt_quote(value)
  if value ~= "" and not value:find('[ \t"&|<>()^]') then
    return value
  end
  local trail = value:match("\\*$")
  return '"' .. value .. trail .. '"'
end

local function arg(value, what)
  what = what or "batch.arg"
  value = check(value, what)
  if value:find('"', 1, true) then
    M.fail("%s: a double quote (\") cannot be passed in a program argument through "
      .. "cmd.exe reliably; choose a value without one", what)
  end
  local q = msvcrt_quote(value)
  if q:sub(1, 1) == '"' then
    return '"' .. escape(q:sub(2, -2), "quoted") .. '"'
  end
  return escape(q, "text")
end

--- Check that VALUE can be written into a batch line.
-- @param value a string or a number
-- @param what its name for messages ("netuse.password")
-- @return the value as a string
M.check = M.guard(check)

--- THE escaping function: S written so that cmd.exe, reading it in a batch
-- file with delayed expansion off, gives back exactly S.
-- @param s the text
-- @param context "text" (default: literal text outside quotes), "quoted"
--   (between quotes the script writes) or "command" (a command line whose
--   quotes delimit arguments); see the module comment
-- @return the escaped text
M.escape = M.guard(escape)

--- The name of an environment variable, checked: letters, digits, `_`,
-- not starting with a digit.
M.varname = M.guard(varname)

--- A runtime reference to the script variable NAME, for `join` and `echo`
-- parts: written `%NAME%`, expanded when the line runs.  Use it only for
-- variables the script made safe itself (an IPv4 address, a number): cmd
-- parses the value again where it is used.
-- @param name variable name
-- @return a marker table
M.ref = M.guard(function(name)
  return { ref = varname(name) }
end)

--- Join PARTS into one escaped piece of a line: strings are literal text
-- (escaped in the "text" context), `ref(NAME)` markers are written `%NAME%`.
-- @param parts a string, or a list of strings and ref markers
-- @return the escaped text
M.join = M.guard(join)

--- A line that prints TEXT (and a line end) byte for byte: `echo TEXT`.
-- TEXT is a string, or a list of strings and `ref` markers (see `join`).
-- An empty TEXT gives `echo.` (an empty line).  TEXT must not make echo do
-- something else: starting with `/?` (help), or being just `on` or `off`
-- is refused.  Only the first blank after `echo` is eaten by cmd, so
-- leading blanks of TEXT are printed.  (`echo(` would be safer on Windows,
-- but Wine's cmd prints the parenthesis.)
-- @param text the text
-- @return the line (without line end)
M.echo = M.guard(function(text)
  local first = type(text) == "table" and text[1] or text
  if type(first) == "string" then
    local word = first:lower():match("^[ \t]*(%a+)[ \t]*$")
    if first:match("^[ \t]*/%?") or
        ((word == "on" or word == "off") and (type(text) ~= "table" or #text == 1)) then
      M.fail("batch.echo: '%s' would be read by echo as an option", first)
    end
  end
  local escaped = join(text)
  if escaped == "" then
    return "echo."
  end
  return "echo " .. escaped
end)

--- `set "NAME=VALUE"` (or `set NAME=VALUE` with carets when VALUE holds a
-- `"`), storing VALUE byte for byte.  An empty VALUE removes NAME.
-- @param name variable name
-- @param value the value
-- @return the line
M.set = M.guard(function(name, value)
  varname(name)
  value = check(value, "batch.set " .. name)
  if value:find('"', 1, true) then
    return "set " .. name .. "=" .. escape(value, "text")
  end
  return 'set "' .. name .. "=" .. escape(value, "quoted") .. '"'
end)

--- Quote VALUE as one argument for the Microsoft C runtime's command-line
-- splitter (no cmd escaping yet): as is when it holds no blank, quote or
-- cmd special character and is not empty; else in double quotes, with the
-- backslashes before the closing quote doubled.  VALUE must not hold `"`.
M.msvcrt_quote = M.guard(msvcrt_quote)

--- One argument of an external program: the program receives exactly
-- VALUE (Microsoft C rules), and cmd changes nothing in it.
-- @param value the argument; `"` is refused (see the module comment)
-- @param what its name for messages
-- @return the text to put on the command line
M.arg = M.guard(arg)

--- A double-quoted path: `"PATH"`, the path given byte for byte.
-- @param path the path; `"` is refused
-- @param what its name for messages
-- @return the quoted text
M.quote = M.guard(function(path, what)
  what = what or "batch.quote"
  path = check(path, what)
  if path:find('"', 1, true) then
    M.fail("%s: a Windows path cannot contain a double quote (\")", what)
  end
  return '"' .. escape(path, "quoted") .. '"'
end)

--- A command line given by the user (a string), to run with exactly these
-- bytes as its command line: `%`, `^`, `&`, `|`, `<`, `>`, `(`, `)` lose
-- their cmd meaning.  A list of strings is taken as the program and its
-- arguments, each passed with `arg`.
-- @param cmd string or list of strings
-- @param what its name for messages
-- @return the command text
M.command = M.guard(function(cmd, what)
  what = what or "batch.command"
  if type(cmd) == "table" then
    if #cmd == 0 then
      M.fail("%s: expected a command line or a non-empty list of arguments", what)
    end
    local parts = {}
    for i, a in ipairs(cmd) do
      parts[i] = arg(a, what .. "[" .. i .. "]")
    end
    return table.concat(parts, " ")
  end
  cmd = check(cmd, what)
  if not cmd:find("%S") then
    M.fail("%s: the command is empty", what)
  end
  if select(2, cmd:gsub('"', "")) % 2 == 1 then
    M.fail("%s: unbalanced double quotes in '%s'", what, cmd)
  end
  return escape(cmd, "command")
end)

--- TEXT made safe for a `rem` comment line: characters other than
-- letters, digits, blanks and `. - _ : \ /` become `?` (cmd still expands
-- `%` in a rem line, and a `^` at its end would swallow the next line).
-- @param text the text
-- @return the cleaned text
M.remtext = M.guard(function(text)
  return (check(text, "batch.remtext"):gsub("[^%w%s%.%-_:\\/]", "?"):gsub("%s", " "))
end)

--- TEXT with CRLF line ends (what cmd.exe expects); lone LF become CRLF.
-- @param text the text
-- @return the text with CRLF line ends
function M.crlf(text)
  return (text:gsub("\r?\n", "\r\n"))
end

--- Check that no line of TEXT is longer than cmd.exe reads.
-- @param text a script
-- @param what its name for messages
M.check_lines = M.guard(function(text, what)
  local n = 0
  for line in text:gmatch("[^\n]*") do
    n = n + 1
    line = line:gsub("\r$", "")
    if #line > M.MAX_LINE then
      M.fail("%s: line %d is %d characters long; cmd.exe reads at most %d",
        what, n, #line, M.MAX_LINE)
    end
  end
end)

--- Append to the line list L two lines that print PARTS (see M.join) on
-- the console and append them to %PE_LOG%.
function M.say(L, parts)
  local line = M.echo(parts)
  L[#L + 1] = line
  L[#L + 1] = '>>"%PE_LOG%" ' .. line
end

return M
