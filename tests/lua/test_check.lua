-- tests/lua/test_check.lua - peforge.check: every validator, the one
-- boolean rule, the message style, "did you mean" (and no suggestion for
-- far keys), the declarations of each helper and of the recipe, and the
-- rendering `peforge help TOPIC` prints.
local H = require "harness"
local check = require "peforge.check"
local recipe = require "peforge.recipe"
local pe = require "peforge"

-- The message of F() (it must fail with a check.fail error).
local function err(f)
  local ok, e = pcall(f)
  assert(not ok, "expected an error")
  return tostring(e)
end

H.test("boolean: true/false and the words of -D, nothing else", function()
  for _, w in ipairs { true, "true", "yes", "1" } do H.eq(check.boolean(w, "b"), true) end
  for _, w in ipairs { false, "false", "no", "0" } do H.eq(check.boolean(w, "b"), false) end
  H.has(err(function() check.boolean("maybe", "x: option 'b'") end),
    "x: option 'b': expected a boolean, got 'maybe' (true, false, yes, no, 1 or 0)")
  H.has(err(function() check.boolean("Yes", "b") end), "got 'Yes'")
  H.has(err(function() check.boolean(1, "x: option 'b'") end),
    "x: option 'b': expected boolean, got number")
  H.has(err(function() check.boolean({}, "b") end), "b: expected boolean, got table")
  H.eq(check.to_boolean("no"), false)
  H.eq(check.to_boolean("nope"), nil)
end)

H.test("string, path, luatype, func, table", function()
  H.eq(check.string()("a", "s"), "a")
  H.has(err(function() check.string()(5, "s") end), "s: expected string, got number")
  H.eq(check.string { numbers = true }(5, "s"), "5")
  H.has(err(function() check.string { nonempty = true }("", "s") end), "expected a non-empty string")
  H.has(err(function() check.string { name = "string (a name)" }(true, "s") end),
    "s: expected string (a name), got boolean")
  H.eq(check.path()("a/b", "p"), "a/b")
  H.has(err(function() check.path()(1, "p") end), "p: expected string (a path), got number")
  H.has(err(function() check.path("string (a folder)")("", "p") end), "expected a path")
  local lt = check.luatype("string|table")
  H.eq(lt("x", "v"), "x")
  H.has(err(function() lt(1, "v") end), "v: expected string or table, got number")
  H.has(err(function() check.func(1, "f") end), "f: expected function, got number")
  H.has(err(function() check.table("x", "t") end), "t: expected table, got string")
end)

H.test("integer with a range; numerals in text", function()
  local i = check.integer(1, 10)
  H.eq(i(3, "n"), 3)
  H.eq(math.type(i(3.0, "n")), "integer")
  H.eq(i("7", "n"), 7)
  H.has(err(function() i(0, "n") end), "n: expected a whole number from 1 to 10, got 0")
  H.has(err(function() i(11, "n") end), "got 11")
  H.has(err(function() i(1.5, "n") end), "expected a whole number from 1 to 10, got 1.5")
  H.has(err(function() i("x", "n") end), "got 'x'")
  H.has(err(function() i(0 / 0, "n") end), "expected a whole number")
  H.has(err(function() check.integer(5)(4, "n") end), "from 5 up, got 4")
  H.eq(check.integer()(-3, "n"), -3)
end)

H.test("enum, list, either", function()
  local e = check.enum { "a", "b" }
  H.eq(e("b", "k"), "b")
  H.has(err(function() e("c", "k") end), "k: expected \"a\", \"b\", got 'c'")
  H.has(err(function() e(3, "k") end), "got number")
  local l = check.list(check.integer(0))
  H.eq(l({ 1, "2" }, "l")[2], 2)
  H.has(err(function() l({ 1, -1 }, "l") end), "l[2]: expected a whole number from 0 up, got -1")
  H.has(err(function() l({ x = 1 }, "l") end), "l: expected a list, got the key 'x'")
  H.has(err(function() l(1, "l") end), "l: expected list of integer 0.., got number")
  H.eq(check.list(check.string(), true)("one", "l")[1], "one")
  local ei = check.either({ check.boolean, check.integer(0) }, "boolean or number")
  H.eq(ei("yes", "v"), true)
  H.eq(ei(4, "v"), 4)
  H.has(err(function() ei({}, "v") end), "v: expected boolean or number, got table")
end)

H.test("did you mean: the six misspellings of the issue, and far keys", function()
  H.eq(check.suggest("keep_steup", check.names(recipe.KEYS)), "keep_setup")
  H.eq(check.suggest("sorce", check.names(recipe.KEYS)), "source")
  H.eq(check.suggest("outptus", check.names(recipe.KEYS)), "outputs")
  H.eq(check.suggest("noprmpt", { "path", "noprompt", "label", "bios", "uefi" }), "noprompt")
  H.eq(check.suggest("hosts_alow", check.names(pe.smbconf and require("peforge.smbconf").OPTIONS)),
    "hosts_allow")
  H.eq(check.suggest("sever", check.names(require("peforge.netuse").OPTIONS)), "server")
  -- far or short keys get no suggestion
  H.eq(check.suggest("colour", check.names(recipe.KEYS)), nil)
  H.eq(check.suggest("xyz", check.names(recipe.KEYS)), nil)
  H.eq(check.suggest("rot", { "root" }), "root")
  H.eq(check.suggest("ab", { "arch" }), nil)
  H.eq(check.suggest("source", check.names(recipe.KEYS)), nil, "an exact name")
  H.eq(check.distance("ab", "ba"), 1, "a swap is one edit")
  H.eq(check.distance("kitten", "sitting"), 3)
  H.eq(check.distance("", "abc"), 3)
end)

H.test("unknown keys: one message style", function()
  H.has(err(function() check.unknown("sever", { "server", "share" }, "pe.netuse") end),
    "pe.netuse: unknown option 'sever' (did you mean 'server'?)")
  H.has(err(function() check.unknown("zz", { "b", "a" }, "w") end),
    "w: unknown option 'zz' (known: a, b)")
  H.has(err(function() check.unknown("wype", { "wipe" }, nil, "option", "disk.") end),
    "unknown option 'disk.wype' (did you mean 'disk.wipe'?)")
  H.has(err(function() check.unknown("zz", { "a" }, "r.lua", "recipe key", nil, "see help") end),
    "r.lua: unknown recipe key 'zz' (see help)")
end)

H.test("options: declarations checked, converted, defaults filled", function()
  local decls = {
    { name = "n", type = check.integer(1, 5), default = 2, help = "a number" },
    { name = "b", type = check.boolean, default = false, help = "a switch" },
    { name = "s", type = check.string(), help = "text" },
  }
  local o = check.options({ n = "3", b = "yes" }, decls, "f")
  H.eq(o.n, 3)
  H.eq(o.b, true)
  H.eq(o.s, nil)
  H.eq(check.options({}, decls, "f").n, 2)
  H.has(err(function() check.options({ m = 1 }, decls, "f") end),
    "f: unknown option 'm' (known: b, n, s)")
  H.has(err(function() check.options({ s = 1 }, decls, "f") end), "f: option 's': expected string, got number")
  H.has(err(function() check.options(5, decls, "f") end), "f: expected a table of options, got number")
  H.has(err(function() check.options({ [1] = 1 }, decls, "f") end), "unknown option '1'")
end)

H.test("guard: a misuse is reported at the caller's line", function()
  local f = check.guard(function() check.fail("bad %s", "thing") end)
  local line = debug.getinfo(1, "l").currentline + 1
  local ok, e = pcall(function() f() end)
  assert(not ok)
  H.has(e, "test_check.lua:" .. line .. ": bad thing")
  H.eq(check.is_misuse(select(2, pcall(check.fail, "x"))), true)
end)

H.test("the helpers refuse misspellings with a suggestion", function()
  H.raises(function() pe.netuse { sever = "a" } end, "pe.netuse: unknown option 'sever' (did you mean 'server'?)")
  H.raises(function() pe.smbconf { path = "/s", hosts_alow = "a" } end,
    "pe.smbconf: unknown option 'hosts_alow' (did you mean 'hosts_allow'?)")
  H.raises(function() pe.startcmd { wpeinti = false } end, "(did you mean 'wpeinit'?)")
  H.raises(function() pe.startcmd { netuse = { tires = 2 } } end, "pe.startcmd: netuse: unknown option 'tires' (did you mean 'tries'?)")
  H.raises(function() pe.machines { inventry = {} } end, "(did you mean 'inventory'?)")
  -- -D gives text: numbers and booleans of the helpers take it
  H.has(pe.netuse { tries = "3", guest = "yes" }.text, "")
  H.eq(pe.netuse { tries = "3" }.tries, 3)
  local r = pe.finalize { outputs = { samba = { path = "/s", hosts_alow = "10.0.0.0/8" } } }
  H.eq(r.outputs.samba.error, "outputs.samba: unknown option 'hosts_alow' (did you mean 'hosts_allow'?)")
  local ok = pe.finalize { outputs = { samba = { path = "/s", dir = "d", copy_media = "false" } } }
  H.eq(ok.outputs.samba.error, nil)
end)

H.test("recipe keys: declared, checked, booleans normalized, -D keys", function()
  local t = recipe.check({ source = "m", keep_setup = "yes", outputs = {}, [1] = "ignored" }, "r.lua")
  H.eq(t.keep_setup, true)
  local function rerr(tbl) return err(function() recipe.check(tbl, "r.lua") end) end
  H.has(rerr { source = "m", keep_steup = true }, "r.lua: unknown recipe key 'keep_steup' (did you mean 'keep_setup'?)")
  H.has(rerr { sorce = "m" }, "r.lua: unknown recipe key 'sorce' (did you mean 'source'?)")
  H.has(rerr { outptus = {} }, "(did you mean 'outputs'?)")
  H.has(rerr { colour = "red" }, "r.lua: unknown recipe key 'colour' (peforge help recipe lists the keys)")
  H.has(rerr { source = {} }, "r.lua: recipe key 'source': expected string (a path), got table")
  H.has(rerr { image = true }, "recipe key 'image': expected string or number, got boolean")
  H.has(rerr { keep_setup = "maybe" }, "recipe key 'keep_setup': expected a boolean, got 'maybe'")
  H.has(rerr { start = 5 }, "recipe key 'start': expected string or table with a 'text' field, got number")
  -- a -D key that reaches nothing and is not read is refused
  local core = require "peforge.core"
  core.defines["keep_steup"] = "1"
  H.has(rerr { source = "m" }, "r.lua: -D keep_steup: unknown recipe key 'keep_steup' (did you mean 'keep_setup'?)")
  core.defines["keep_steup"] = nil
  core.defines["tag"] = "x"
  H.has(rerr { source = "m" }, "-D tag: unknown recipe key 'tag' (not read by the recipe")
  H.eq(pe.defines.tag, "x")
  H.eq(recipe.check({ source = "m" }, "r.lua").source, "m", "read through pe.defines: accepted")
  core.defines["tag"] = nil
end)

H.test("rendering: every key with its type, default and help", function()
  local text = check.render("T:", {
    { name = "alpha", type = check.integer(1, 2), default = 1, help = "first" },
    { name = "beta", type = check.string(), default = "x", help = string.rep("word ", 30) },
    { name = "gamma", type_name = "custom", default_text = "derived", help = "third" },
  })
  H.has(text, "T:\n\n  alpha  (integer 1..2; default: 1)\n      first\n")
  H.has(text, "  beta  (string; default: \"x\")\n")
  H.has(text, "  gamma  (custom; default: derived)\n      third\n")
  for line in text:gmatch("[^\n]+") do assert(#line <= 76, "line too long: " .. line) end
  local help = check.help("recipe")
  for _, d in ipairs(recipe.KEYS) do H.has(help, "\n  " .. d.name .. "  (") end
  H.has(help, "keep_setup  (boolean; default: false)")
  for _, topic in ipairs { "startcmd", "netuse", "smbconf", "machines" } do
    local mod = require("peforge." .. topic)
    local h = check.help(topic)
    for _, d in ipairs(mod.OPTIONS) do H.has(h, "\n  " .. d.name .. "  (") end
  end
  -- every pe.unattend option is in its help
  local O = require "peforge.unattend.options"
  local uh = check.help("unattend")
  for name in pairs(O.schema) do H.has(uh, "\n  " .. name .. "  (") end
  H.eq(#O.DECLS, (function() local n = 0 for _ in pairs(O.schema) do n = n + 1 end return n end)())
  H.has(err(function() check.help("recpie") end), "help: unknown topic 'recpie' (did you mean 'recipe'?)")
end)

H.done()
