-- BuildSystem: cargo, the option side. RPM hands a section macro all of
-- that section's BuildOption lines as one space-separated list in %*
-- (quotes do not group words), past the macro's own getopt; so the
-- options are parsed here. Runs under the Lua of every supported rpm:
-- 5.2 (Debian bullseye), 5.3 (Debian), 5.4 (Fedora, RHEL).

local M = {}

-- The option table (buildsys/options.lua): every BuildOption, the field
-- it sets and the flags of the build steps (%__buildsys_*) that field
-- becomes.
local T = require("buildsys.options")

-- Each section: the options it accepts, by word.
M.SECTIONS = {}
for _, section in ipairs(T.SECTIONS) do M.SECTIONS[section] = {} end
for _, opt in ipairs(T.OPTIONS) do
  for _, section in ipairs(opt.sections) do
    for _, word in ipairs(opt.words) do M.SECTIONS[section][word] = opt end
  end
end

local function fail(section, text)
  error("BuildOption(" .. section .. "): " .. text, 0)
end

-- Only what a shell or rpm would read differently is refused here (and
-- the comma that joins a list); whether the names are features of the
-- crate, or a capability a well-formed dependency, buildsys says (naming
-- Cargo.toml and the features it has). No leading "-": buildsys's argparse
-- would take the word for an option.
local function word_check(pattern, what)
  return function(section, word, value)
    if not value:match(pattern) or value:match("^%-") then
      fail(section, word .. ": '" .. value .. "' is not " .. what)
    end
    return value
  end
end

local feature_list = word_check("^[%w_.+/,-]+$", "a list of feature names (letters, digits and _.+/- between commas)")
local capability = word_check("^[%w_.+()/:~^<>=-]+$",
  "one RPM capability (letters, digits and _.+()/:~^<>=-, no spaces: NAME>=VERSION)")

-- What follows an option word, by the table's value kinds: what is missing
-- when there is nothing, and the check of what is there.
local VALUES
VALUES = {
  features = { needs = "a comma-separated list of features", check = feature_list },
  source = { needs = "the number of the Source that holds the vendor tarball",
             check = function(section, word, value)
               if not value:match("^%d+$") then
                 fail(section, word .. " needs " .. VALUES.source.needs)
               end
               return value
             end },
  test = { needs = "a test name", check = function(_, _, value) return value end },
  capability = { needs = "an RPM capability (NAME, or NAME>=VERSION without spaces)",
                 check = function(section, word, value) return capability(section, word, value) end },
  feature_capability = { needs = "FEATURE:CAPABILITY",
                         check = function(section, word, value)
                           local feature, cap = value:match("^([%w_.+-]+):(.+)$")
                           if not feature then
                             fail(section, word .. " needs " .. VALUES.feature_capability.needs .. ", not '" .. value .. "'")
                           end
                           capability(section, word, cap)
                           return value
                         end },
}

-- A parse result with nothing given: every field of the table unset.
local function unset()
  local o = { selects = false }
  for _, opt in ipairs(T.OPTIONS) do
    if opt.adds or opt.collects then
      o[opt.adds or opt.collects] = {}
    elseif not opt.value then
      o[opt.sets] = false
    end
  end
  return o
end

local SELECTION = {}
for _, field in ipairs(T.FIELDS) do
  if field.scope == "selection" then SELECTION[field.name] = true end
end

-- Parse the words of one section's options into the table's fields (and
-- selects: whether any of -a/-n/-f was given).
function M.parse(section, words)
  local accepted = M.SECTIONS[section]
  if accepted == nil then
    fail(section, "'" .. tostring(section) .. "' is not a section BuildSystem: cargo knows")
  end
  local o = unset()
  local i = 1
  while i <= #words do
    local w = words[i]
    local opt, value = accepted[w], nil
    local long, joined = w:match("^(%-%-[%w-]+)=(.*)$")
    if opt == nil and long and accepted[long] and accepted[long].value == "features" then
      opt, w, value = accepted[long], long, joined
    end
    if opt == nil then
      fail(section, "unknown option '" .. w .. "' (see docs/buildoptions.md)")
    end
    if opt.value == "rest" then
      for j = i + 1, #words do table.insert(o[opt.adds], words[j]) end
      break
    elseif opt.value then
      if value == nil then
        i = i + 1
        value = words[i]
      end
      local kind = VALUES[opt.value]
      if value == nil or value == "" then
        fail(section, w .. " needs " .. kind.needs)
      end
      value = kind.check(section, w, value)
    end
    if opt.collects then
      table.insert(o[opt.collects], value)
    elseif opt.adds then
      table.insert(o[opt.adds], w)
      table.insert(o[opt.adds], value)
    else
      o[opt.sets] = value or true
    end
    if SELECTION[opt.sets] then o.selects = true end
    i = i + 1
  end
  if o.all and (o.no_default or o.features) then
    fail(section, "-a cannot be combined with -n or -f")
  end
  if o.workspace and o.vendor then
    fail(section, "--workspace cannot be combined with --vendor (docs/workspaces.md)")
  end
  for _, w in ipairs(o.harness) do
    if not w:match("^[%w_.:=/+,-]+$") then
      fail(section, "test harness argument '" .. w .. "' has characters that are not allowed")
    end
  end
  return o
end

-- a's words, then b's
local function joined(a, b)
  local out = {}
  for _, w in ipairs(a or {}) do table.insert(out, w) end
  for _, w in ipairs(b or {}) do table.insert(out, w) end
  return out
end

-- Split the text of %* into words.
function M.words(text)
  local out = {}
  for w in tostring(text or ""):gmatch("%S+") do
    table.insert(out, w)
  end
  return out
end

-- What one section acts on: each field of the table taken from conf (a
-- BuildOption without a section) or from the section's own options, as
-- the field's scope says.
function M.effective(conf, own)
  local o = {}
  local from = own.selects and own or conf
  for _, field in ipairs(T.FIELDS) do
    local name = field.name
    if field.scope == "selection" then
      o[name] = from[name]
    elseif field.scope == "conf" then
      o[name] = conf[name]
    elseif field.scope == "either" then
      o[name] = conf[name] or own[name]
    else
      o[name] = own[name]
    end
  end
  return o
end

-- What o sets for a field: nil where nothing (an empty list included), a
-- list's words joined as the table says, else the value (true or a word).
local function value_of(field, o)
  local v = o[field.name]
  if field.list then
    return (v and #v > 0) and table.concat(v, field.join or " ") or nil
  end
  return v or nil
end

-- One build step's call (a %__buildsys_* macro) with the flags the table
-- gives that macro for
-- what o sets.
function M.call(macro, o)
  local parts = { "%" .. macro }
  for _, field in ipairs(T.FIELDS) do
    local v = value_of(field, o)
    local flag = (v and field.macros or (not v and field.unset) or {})[macro]
    if flag then
      local before, after = flag:match("^(.-)%%s(.*)$")
      if before then
        flag = before .. v .. after
      end
      table.insert(parts, flag)
    end
  end
  return table.concat(parts, " ")
end

-- A packager's own commands before and after the generated ones of a
-- section, one spec for every RPM: the spec defines
-- %cargo_SECTION_pre / %cargo_SECTION_post (SECTION: prep, which is
-- %cargo_prep, run once the crate is unpacked and patched, and
-- generate_buildrequires, build, install, check), and BuildSystem: cargo
-- and %cargo_compat expand them at the same point (docs/buildoptions.md).
M.HOOKED = { conf = "prep", generate_buildrequires = "generate_buildrequires", build = "build",
             install = "install", check = "check" }

local function hooked(section, body)
  local name = M.HOOKED[section]
  return "%{?cargo_" .. name .. "_pre}\n" .. body .. "\n%{?cargo_" .. name .. "_post}"
end

-- The body of one generated section, as calls of the private build steps
-- (%__buildsys_*; the public %cargo_* names may be Fedora's).
-- tests_off: the packager switched %check off from outside the spec
-- (rpmbuild --without check).
-- static: the subpackages were expanded into the spec at parse time (the
-- compat mode for RPM 4.16), so %build checks them instead of writing parts.
function M.body(section, conf, own, tests_off, static)
  local o = M.effective(conf, own)
  -- rpmbuild --without check switches the tests off, and with them the
  -- packager's commands around them
  if section == "check" and (o.no_check or tests_off) then
    return M.generated(section, conf, own, tests_off, static)
  end
  return hooked(section, M.generated(section, conf, own, tests_off, static))
end

-- The generated commands of one section alone.
function M.generated(section, conf, own, tests_off, static)
  local o = M.effective(conf, own)
  if o.workspace and o.features then
    fail(section, "-f cannot be combined with --workspace; use -a or -n (docs/workspaces.md)")
  end
  -- rpmbuild --without check switches the tests off as --no-check does
  o.no_check = o.no_check or tests_off or false
  if section == "conf" then
    return M.call("__buildsys_prep", o)
  elseif section == "generate_buildrequires" then
    return M.call("__buildsys_generate_buildrequires", o)
  elseif section == "build" then
    -- a vendored application: cargo-vendor.txt, for the bundled(crate(...))
    -- Provides, instead of -devel packages
    local tail = M.call(static and "__buildsys_sections_check" or "__buildsys_specparts", o)
    if o.vendor then
      tail = "%{" .. M.call("__buildsys_vendor_manifest", o):sub(2) .. "} > cargo-vendor.txt"
    end
    return table.concat({
      M.call("__buildsys_build", o),
      M.call("__buildsys_license_summary", o),
      -- braces: a bare parametric macro call would eat the redirection
      "%{" .. M.call("__buildsys_license", o):sub(2) .. "} > LICENSE.dependencies",
      tail,
    }, "\n")
  elseif section == "install" then
    return M.call("__buildsys_install", o)
  elseif section == "check" then
    if o.no_check then
      return "echo 'buildsys: tests switched off'"
    end
    return M.call("__buildsys_test", o)
  end
  fail(section, "no such section")
end

-- The crate name of a spec: Name without the "rust-" prefix.
function M.crate_name(name)
  return (name:gsub("^rust%-", ""))
end

-- An RPM version back in SemVer form, for crates.io URLs and registry
-- paths: "~" before the pre-release becomes "-" again, and so does "_"
-- inside it (the inverse of buildsys.rpmdeps.semver2rpm; a test checks
-- the two agree on every crate version in the corpus).
function M.version_no_tilde(version)
  local release, pre = version:match("^([^~]*)~(.*)$")
  if release == nil then
    return version
  end
  return release .. "-" .. (pre:gsub("_", "-"))
end

-- Fedora's dependency generators (cargo-rpm-macros' cargo.attr and, from
-- v25, cargo_vendor.attr) match every Cargo.toml in the registry and every
-- cargo-vendor.txt, so beside Fedora's files they would add cargo2rpm's
-- Provides and Requires to the packages buildsys writes out in full. rpmfc
-- reads %__NAME_path when it runs, after the spec is parsed, and an empty
-- one matches no file (rpm 4.19.1.1 build/rpmfc.c: rpmfcAttrMacroV, regMatch).
-- buildsys's own vendor generator steps aside where Fedora's is installed
-- (buildsys_vendor.attr), so it is switched on here for these specs.
M.FOREIGN_GENERATORS = { "__cargo_path", "__cargo_vendor_path" }

function M.own_generators()
  for _, path in ipairs(M.FOREIGN_GENERATORS) do
    rpm.define(path .. " %{nil}")
  end
  rpm.define("__buildsys_vendor_path %{__buildsys_vendor_files}")
end

-- Entry point for the %buildsystem_cargo_* macros (inside rpm only).
-- conf runs first (rpm expands conf's macro before the others), so its
-- options are kept in a macro for the sections after it.
function M.section(section, args)
  M.own_generators()
  local words = joined(M.written_once()[section], args)
  local own = M.parse(section, words)
  local conf
  if section == "conf" then
    rpm.define("__buildsys_conf_options " .. (#words > 0 and table.concat(words, " ") or "%{nil}"))
    conf = own
  else
    conf = M.parse("conf", M.words(rpm.expand("%{?__buildsys_conf_options}")))
  end
  local tests_off = rpm.expand("%{?_without_check}") ~= ""
  print(rpm.expand(M.body(section, conf, own, tests_off)))
end

-- Words for /bin/sh, quoted.
local function shell_quote(word)
  return "'" .. word:gsub("'", "'\\''") .. "'"
end

local function file_exists(path)
  local fh = io.open(path, "r")
  if fh then fh:close() end
  return fh ~= nil
end

-- Run buildsys at parse time. Its stderr goes to rpmbuild's; a failure
-- fails the parse with buildsys's own message.
local function buildsys(words)
  local cmd = { shell_quote(rpm.expand("%{__buildsys}")) }
  for _, w in ipairs(words) do table.insert(cmd, shell_quote(w)) end
  local pipe = io.popen(table.concat(cmd, " "), "r")
  local out = pipe:read("*a")
  local ok, _, code = pipe:close()
  if not ok then
    error("buildsys " .. words[1] .. " failed (exit " .. tostring(code) .. "), see the message above", 0)
  end
  return out
end

local function installed()
  return file_exists(rpm.expand("%{__buildsys}"))
end

-- The mode buildsys picks for the running rpm (buildsys.mode decides),
-- asked once per parse: the gate and %cargo_compat both need it, and a
-- process costs the parse tens of milliseconds. (Asked again if the spec
-- forces another mode in between.)
local function mode()
  local forced = rpm.expand("%{?buildsys_mode}")
  if rpm.expand("%{?__buildsys_mode_asked}") == "[" .. forced .. "]" then
    return rpm.expand("%{__buildsys_mode_answer}")
  end
  local words = { "mode", "--force", forced }
  local version = rpm.expand("%{?rpmversion}")
  if version ~= "" then
    table.insert(words, "--rpm-version")
    table.insert(words, version)
  end
  local answer = (buildsys(words):gsub("%s+$", ""))
  rpm.define("__buildsys_mode_asked [" .. forced .. "]")
  rpm.define("__buildsys_mode_answer " .. answer)
  return answer
end

-- %cargo_buildsystem: 1 where the spec should say BuildSystem: cargo.
-- buildsys decides when it is installed. Without it (the SRPM step in a
-- minimal buildroot, where no subpackage exists yet) the question is only
-- whether this rpm parses BuildSystem, which rpm itself tells: 4.20+
-- defines %buildsystem_default_prep.
function M.buildsystem_gate()
  if installed() then
    return mode() == "buildsystem" and "1" or "0"
  end
  local forced = rpm.expand("%{?buildsys_mode}")
  if forced ~= "" then
    return forced == "buildsystem" and "1" or "0"
  end
  return rpm.expand("%{?buildsystem_default_prep:1}%{!?buildsystem_default_prep:0}")
end

-- Words of BuildOption's form split by section: words before any
-- "SECTION:" word are conf's, as BuildOption without a section.
function M.by_section(words)
  local by, section = { conf = {} }, "conf"
  for _, w in ipairs(words) do
    local name = w:match("^([%a_]+):$")
    if name then
      if M.SECTIONS[name] == nil then
        fail(name, "'" .. name .. "' is not a section BuildSystem: cargo knows")
      end
      section = name
      by[section] = by[section] or {}
    else
      table.insert(by[section], w)
    end
  end
  return by
end

-- The options a spec writes once, for every RPM: %global cargo_options,
-- in %cargo_compat's form. Both BuildSystem: cargo and %cargo_compat read
-- them, so that they cannot reach one branch of the gate and not the
-- other; the section's own BuildOption (or %cargo_compat) words follow.
function M.written_once()
  return M.by_section(M.words(rpm.expand("%{?cargo_options}")))
end

-- %cargo_compat OPTIONS: each section's words parsed, after those of
-- %cargo_options (``once``: by_section's result, or nothing).
function M.compat_options(words, once)
  local by, first = M.by_section(words), once or {}
  local parsed = {}
  for name, _ in pairs(M.SECTIONS) do
    parsed[name] = M.parse(name, joined(first[name], by[name]))
  end
  return parsed
end

-- The options of `buildsys sections` that stand for what o sets, added
-- to words: the build section's, as %build checks them (a field with a
-- value, such as the features, gives it after the option).
function M.parse_time_words(o, words)
  for _, field in ipairs(T.FIELDS) do
    local v = value_of(field, o)
    if field.parse_time and v then
      table.insert(words, field.parse_time)
      if type(v) == "string" then table.insert(words, v) end
    end
  end
  return words
end

-- The sections %cargo_compat writes after %prep, in order. (No static
-- BuildRequires: the dynamic ones ask for buildsys as on 4.20, so the SRPMs
-- of every mode require the same.)
M.COMPAT_SECTIONS = { "generate_buildrequires", "build", "install", "check" }

-- The explicit sections of the compat mode, with the same bodies as
-- BuildSystem: cargo. static: %build checks the parse-time subpackages
-- instead of writing specparts.
function M.compat_text(opts, tests_off, static)
  local out = {
    "%prep",
    "%autosetup -n %{cargo_source_dir} -p1",
    M.body("conf", opts.conf, opts.conf, tests_off),
  }
  for _, section in ipairs(M.COMPAT_SECTIONS) do
    table.insert(out, "%" .. section)
    table.insert(out, M.body(section, opts.conf, opts[section], tests_off, static))
  end
  return table.concat(out, "\n")
end

-- Entry point for %cargo_compat (inside rpm only). The text goes into a
-- file that the spec %includes, so that rpm's parser reads it as it reads
-- spec lines: expanded once (crate text comes %%-escaped, as in a
-- specpart), %autosetup's %setup seen in %prep, %license kept in %files.
-- (Lines printed by a macro are never expanded again, and RPM 4.16 loses
-- a section header that starts a second print.)
-- The subpackages come from buildsys where it is installed and the crate
-- archive is in SOURCES; where not (the SRPM step, spectool), %build fails,
-- so nothing is lost silently.
-- RPM 4.16 has no arg table for Lua macros: read %* (getopt has taken the
-- "--" off).
function M.compat(args)
  M.own_generators()
  -- called as %{?cargo_compat} (no arguments), rpm leaves %* unexpanded
  local star = rpm.expand("%*")
  local opts = M.compat_options(args or M.words(star ~= "%*" and star or ""), M.written_once())
  local tests_off = rpm.expand("%{?_without_check}") ~= ""
  local static, parts = true, ""
  if installed() then
    static = mode() == "static"
    local archive = rpm.expand("%{SOURCE0}")
    if static and not opts.conf.vendor and not file_exists(archive) then
      -- spectool and the SRPM step parse the spec before the archive is
      -- there, so this is no error; but it must not pass unseen
      io.stderr:write("buildsys: warning: " .. archive .. " is not there: the -devel and feature subpackages "
        .. "are expanded from it when the spec is parsed, so this parse has none of them and %build fails; "
        .. "put the crate into SOURCES (spectool -g -R SPEC)\n")
    elseif static and not opts.conf.vendor then
      local words = { "sections", "--digest", "--archive", archive, "--registry", rpm.expand("%{__buildsys_registry}"),
                      "--name", rpm.expand("%{name}"), "--crate", rpm.expand("%{crate}") }
      M.parse_time_words(M.effective(opts.conf, opts.build), words)
      -- the spec's patches, in the order %autosetup applies them: a
      -- fix-metadata patch changes the subpackages here as in %prep
      local quoted = {}
      for _, patch in ipairs(patches or {}) do
        table.insert(words, "--patch")
        table.insert(words, patch)
        table.insert(quoted, "--patch " .. shell_quote(patch))
      end
      rpm.define("__buildsys_sections_patches " .. (#quoted > 0 and table.concat(quoted, " ") or "%{nil}"))
      local text = buildsys(words)
      local digest, rest = text:match("^(%x+)\n(.*)$")
      rpm.define("__buildsys_sections_digest " .. digest)
      parts = rest
    end
  end
  local path = rpm.expand("%{_tmppath}/buildsys-%{name}-%{version}-%{release}.compat.spec")
  local fh = assert(io.open(path, "w"))
  fh:write(M.compat_text(opts, tests_off, static), "\n", parts)
  fh:close()
  print("%include " .. path)
end

return M
