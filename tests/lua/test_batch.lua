-- tests/lua/test_batch.lua - peforge.batch: the escaping contexts, their
-- refusals, and a model of cmd.exe's line parsing (phases 1 and 2) plus the
-- Microsoft C argument splitter, used for round-trip property tests.
-- (tests/startcmd.test runs the same kind of strings through Wine's cmd.)
local H = require "harness"
local batch = require "peforge.batch"

-- ---- a model of how cmd.exe reads one batch line ------------------------
-- Phase 1 with no variables: "%%" -> "%" (a lone % is a bug here).
-- Phase 2: outside quotes, ^ escapes the next character (an escaped " does
-- not toggle), & | < > ( ) unescaped are errors (they would split the line);
-- " toggles the quoted state and stays in the text.
local SPECIAL = { ["&"] = true, ["|"] = true, ["<"] = true, [">"] = true, ["("] = true,
  [")"] = true }

local function cmd_read(line)
  local p1 = {}
  local i = 1
  while i <= #line do
    local c = line:sub(i, i)
    if c == "%" then
      assert(line:sub(i + 1, i + 1) == "%", "lone % in " .. line)
      p1[#p1 + 1] = "%"
      i = i + 2
    else
      p1[#p1 + 1] = c
      i = i + 1
    end
  end
  local s = table.concat(p1)
  local out, q = {}, false
  i = 1
  while i <= #s do
    local c = s:sub(i, i)
    if not q and c == "^" then
      out[#out + 1] = s:sub(i + 1, i + 1)
      i = i + 2
    else
      if c == '"' then
        q = not q
      elseif not q and SPECIAL[c] then
        error("unescaped " .. c .. " in " .. line)
      end
      out[#out + 1] = c
      i = i + 1
    end
  end
  return table.concat(out), q
end

-- The Microsoft C runtime's splitting of a command line into arguments.
local function msvcrt_split(s)
  local args, cur, q, have = {}, {}, false, false
  local i = 1
  while i <= #s do
    local c = s:sub(i, i)
    if c == "\\" then
      local j = i
      while s:sub(j, j) == "\\" do j = j + 1 end
      local n = j - i
      if s:sub(j, j) == '"' then
        cur[#cur + 1] = string.rep("\\", n // 2)
        if n % 2 == 1 then
          cur[#cur + 1] = '"'
          i = j + 1
        else
          i = j
        end
      else
        cur[#cur + 1] = string.rep("\\", n)
        i = j
      end
      have = true
    elseif c == '"' then
      q = not q
      have = true
      i = i + 1
    elseif (c == " " or c == "\t") and not q then
      if have then
        args[#args + 1] = table.concat(cur)
        cur, have = {}, false
      end
      i = i + 1
    else
      cur[#cur + 1] = c
      have = true
      i = i + 1
    end
  end
  if have then args[#args + 1] = table.concat(cur) end
  return args
end

math.randomseed(tonumber(os.getenv("PF_SEED") or "") or 20240601)
local POOL = { "%", "^", "&", "|", "<", ">", "(", ")", '"', "!", " ", "\t", "\\", "%%",
  "%PATH%", "!x!", "^^", "a", "Z", "9", "=", ";", ",", "*", "?", "~", "'" }
local function random_string(noquote)
  local t = {}
  for i = 1, math.random(0, 30) do
    t[i] = POOL[math.random(#POOL)]
  end
  local s = table.concat(t)
  if noquote then s = s:gsub('"', "") end
  return s
end

H.test("text context: every cmd special gets a caret, % doubles, ! stays", function()
  H.eq(batch.escape([[a&b|c<d>e(f)g^h"i%j!k]]), [[a^&b^|c^<d^>e^(f^)g^^h^"i%%j!k]])
  H.eq(batch.escape("plain text, tabs\tand = ; ,"), "plain text, tabs\tand = ; ,")
  H.eq(batch.escape(""), "")
  H.eq(batch.escape(42), "42", "numbers become text")
end)

H.test("quoted context: only % doubles; a double quote is refused", function()
  H.eq(batch.escape([[C:\a&b (x)^ 100% !]], "quoted"), [[C:\a&b (x)^ 100%% !]])
  H.raises(function() batch.escape('a"b', "quoted") end, "double quote")
end)

H.test("command context: quotes delimit, specials outside them get carets", function()
  H.eq(batch.escape([["C:\Program Files\x.exe" a&b "c&d" 5%]], "command"),
    [["C:\Program Files\x.exe" a^&b "c&d" 5%%]])
  H.raises(function() batch.escape('a "b', "command") end, "unbalanced")
  H.raises(function() batch.escape("x", "bogus") end, "unknown context")
end)

H.test("line breaks and control characters are refused, tab is not", function()
  for _, c in ipairs { "\n", "\r", "\0", "\27", "\127" } do
    H.raises(function() batch.escape("a" .. c .. "b") end, "cannot be written into a batch file")
  end
  H.eq(batch.escape("a\tb"), "a\tb")
  H.raises(function() batch.escape({}) end, "expected a string, got table")
end)

H.test("echo: prints the text; empty is echo.; options are refused", function()
  H.eq(batch.echo("hi (there) & 50%"), "echo hi ^(there^) ^& 50%%")
  H.eq(batch.echo(""), "echo.")
  H.eq(batch.echo({ "server ", batch.ref("PE_SERVER"), " up" }), "echo server %PE_SERVER% up")
  H.raises(function() batch.echo("/?") end, "would be read by echo as an option")
  H.raises(function() batch.echo(" off ") end, "option")
  H.raises(function() batch.echo("ON") end, "option")
  H.eq(batch.echo("online"), "echo online")
  H.raises(function() batch.ref("1x") end, "variable name")
end)

H.test("set: quoted form, or caret form when the value holds a quote", function()
  H.eq(batch.set("A", "x & y%"), [[set "A=x & y%%"]])
  H.eq(batch.set("A", 'say "hi" & go'), [[set A=say ^"hi^" ^& go]])
  H.raises(function() batch.set("A B", "x") end, "variable name")
end)

H.test("arg: Microsoft C quoting, no carets, trailing backslashes doubled", function()
  H.eq(batch.arg("simple"), "simple")
  H.eq(batch.arg("50%"), "50%%")
  H.eq(batch.arg("a b"), '"a b"')
  H.eq(batch.arg("p&ss"), '"p&ss"')
  H.eq(batch.arg(""), '""')
  H.eq(batch.arg([[C:\dir with space\]]), [["C:\dir with space\\"]])
  H.eq(batch.arg([[C:\dir\]]), [[C:\dir\]], "unquoted: backslashes stay single")
  H.raises(function() batch.arg('a"b', "pe.netuse: password") end, "pe.netuse: password",
    "double quote")
end)

H.test("quote and command helpers", function()
  H.eq(batch.quote([[X:\drivers\net (1)\a.inf]]), [["X:\drivers\net (1)\a.inf"]])
  H.raises(function() batch.quote('a"b') end, "cannot contain a double quote")
  H.eq(batch.command([[I:\setup.exe /unattend:I:\a&b.xml]]), [[I:\setup.exe /unattend:I:\a^&b.xml]])
  H.eq(batch.command({ [[I:\setup.exe]], "/unattend:I:\\my file.xml" }),
    [[I:\setup.exe "/unattend:I:\my file.xml"]])
  H.raises(function() batch.command("  ") end, "empty")
  H.raises(function() batch.command({}) end, "non-empty list")
end)

H.test("misuse errors point at the caller's line", function()
  local err = H.raises(function() batch.arg('a"b') end, "double quote")
  H.has(err, "test_batch.lua:", "position of the caller")
  H.hasnt(err, "peforge/batch.lua", "no library position")
end)

H.test("rem text and line length", function()
  H.eq(batch.remtext([[a&b %x% ^]]), "a?b ?x? ?")
  H.raises(function() batch.check_lines(string.rep("x", 8192), "t") end, "8191")
  batch.check_lines(string.rep("x", 8191) .. "\r\n", "t")
end)

-- ---- properties, with the model of cmd ---------------------------------

H.test("property: echo text reads back unchanged (500 random strings)", function()
  for _ = 1, 500 do
    local v = random_string(false)
    local line = batch.echo({ "[", v, "]" })
    local got = cmd_read(line:sub(6))
    H.eq(got, "[" .. v .. "]", "echo of " .. string.format("%q", v))
  end
end)

H.test("property: set stores the value unchanged (500 random strings)", function()
  for _ = 1, 500 do
    local v = random_string(false) .. "."
    local line = batch.set("V", v)
    local read = cmd_read(line:sub(5))
    local value
    if read:sub(1, 1) == '"' then
      -- set "V=...": the first quote and what follows the last one are dropped
      local last = read:match('^.*()"')
      value = read:sub(2, last - 1):match("^V=(.*)$")
    else
      value = read:match("^V=(.*)$")
    end
    H.eq(value, v, "set of " .. string.format("%q", v))
  end
end)

H.test("property: arguments reach the program unchanged (500 random strings)", function()
  for _ = 1, 500 do
    local a, b = random_string(true), random_string(true)
    local line = "prog " .. batch.arg(a) .. " " .. batch.arg(b)
    local read, q = cmd_read(line)
    H.eq(q, false, "quotes balanced")
    local q2 = false
    for c in line:gmatch(".") do
      if c == '"' then q2 = not q2 end
      if c == "^" and not q2 then error("a caret outside quotes in " .. line) end
    end
    local argv = msvcrt_split(read)
    H.eq(#argv, 3, "argument count for " .. line)
    H.eq(argv[2], a, "first argument")
    H.eq(argv[3], b, "second argument")
  end
end)

H.test("property: a balanced command line reaches the program unchanged", function()
  for _ = 1, 500 do
    local v = "prog " .. random_string(false)
    if select(2, v:gsub('"', "")) % 2 == 1 then v = v .. '"' end
    H.eq(cmd_read(batch.command(v)), v, "command " .. string.format("%q", v))
  end
end)

H.done()
