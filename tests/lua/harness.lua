-- tests/lua/harness.lua - a small test harness for the Lua library tests
-- (run with plain lua5.4 by tests/check_lua_lib.test).
local H = { passed = 0, failed = 0 }

--- Run F as the test NAME; print "ok N - NAME" or "not ok N - NAME" and why.
function H.test(name, f)
  local ok, err = xpcall(f, debug.traceback)
  local n = H.passed + H.failed + 1
  if ok then
    H.passed = H.passed + 1
    print(string.format("ok %d - %s", n, name))
  else
    H.failed = H.failed + 1
    print(string.format("not ok %d - %s\n%s", n, name, err))
  end
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

--- A equals B, or fail with MSG.
function H.eq(a, b, msg)
  if a ~= b then
    error(string.format("%s: expected %s, got %s", msg or "eq", show(b), show(a)), 2)
  end
end

--- TEXT contains NEEDLE (plain), or fail.
function H.has(text, needle, msg)
  if not tostring(text):find(needle, 1, true) then
    error(string.format("%s: %s not found in:\n%s", msg or "has", show(needle), tostring(text)), 2)
  end
end

--- TEXT does not contain NEEDLE (plain), or fail.
function H.hasnt(text, needle, msg)
  if tostring(text):find(needle, 1, true) then
    error(string.format("%s: %s found in:\n%s", msg or "hasnt", show(needle), tostring(text)), 2)
  end
end

--- F raises an error whose message contains each of the NEEDLES; returns it.
function H.raises(f, ...)
  local ok, err = pcall(f)
  if ok then
    error("expected an error, got none", 2)
  end
  err = tostring(err)
  for _, needle in ipairs { ... } do
    if not err:find(needle, 1, true) then
      error(string.format("error %s does not contain %s", show(err), show(needle)), 2)
    end
  end
  return err
end

--- The lines of a CRLF text (without the CRLF); fails on a lone LF or CR.
function H.crlf_lines(text)
  local lines = {}
  local pos = 1
  while pos <= #text do
    local e = text:find("\r\n", pos, true)
    if not e then
      error("text does not end with CRLF: " .. show(text:sub(pos, pos + 60)), 2)
    end
    local line = text:sub(pos, e - 1)
    if line:find("[\r\n]") then
      error("lone CR or LF in line " .. show(line), 2)
    end
    lines[#lines + 1] = line
    pos = e + 2
  end
  return lines
end

--- Print the totals and exit (1 when a test failed).
function H.done()
  print(string.format("%d passed, %d failed", H.passed, H.failed))
  os.exit(H.failed == 0 and 0 or 1)
end

return H
