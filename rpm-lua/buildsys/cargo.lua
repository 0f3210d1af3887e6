-- BuildSystem: cargo, the option side. RPM hands a section macro all of
-- that section's BuildOption lines as one space-separated list in %*
-- (quotes do not group words), past the macro's own getopt; so the
-- options are parsed here. Runs under the Lua of every supported rpm:
-- 5.2 (Debian bullseye), 5.3 (Debian), 5.4 (Fedora, RHEL).

local M = {}

-- What each section accepts besides the feature selection.
M.SECTIONS = {
  conf = { no_check = true, vendor = true, workspace = true },
  generate_buildrequires = {},
  build = {},
  install = {},
  check = { no_check = true, harness = true },
}

local function fail(section, text)
  error("BuildOption(" .. section .. "): " .. text, 0)
end

local function feature_list(section, option, value)
  if value == nil or value == "" then
    fail(section, option .. " needs a comma-separated list of features")
  end
  for name in (value .. ","):gmatch("([^,]*),") do
    -- cargo's feature syntax (FEATURE, DEP/FEATURE); nothing a shell or
    -- rpm would read differently
    if not name:match("^[%w_][%w_.+/-]*$") then
      fail(section, option .. ": '" .. name .. "' is not a feature name")
    end
  end
  return value
end

-- Parse the words of one section's options. Returns a table:
--   features (string or nil), all, no_default, no_check (booleans),
--   harness (list of words for the test harness), selects (boolean: any
--   of -a/-n/-f given).
function M.parse(section, words)
  local spec = M.SECTIONS[section]
  if spec == nil then
    fail(section, "'" .. tostring(section) .. "' is not a section BuildSystem: cargo knows")
  end
  local o = { all = false, no_default = false, no_check = false, harness = {}, selects = false }
  local i = 1
  while i <= #words do
    local w = words[i]
    local long_features = w:match("^%-%-features=(.*)$")
    if w == "-a" or w == "--all-features" then
      o.all, o.selects = true, true
    elseif w == "-n" or w == "--no-default-features" then
      o.no_default, o.selects = true, true
    elseif w == "-f" or w == "--features" then
      i = i + 1
      o.features, o.selects = feature_list(section, w, words[i]), true
    elseif long_features ~= nil then
      o.features, o.selects = feature_list(section, "--features", long_features), true
    elseif spec.no_check and w == "--no-check" then
      o.no_check = true
    elseif spec.workspace and w == "--workspace" then
      -- several crates from one source: every member is built, and each
      -- library member that may be published gets its -devel packages
      o.workspace = true
    elseif spec.vendor and w == "--vendor" then
      i = i + 1
      -- the number N of the SourceN that holds the cargo vendor tarball
      if words[i] == nil or not words[i]:match("^%d+$") then
        fail(section, "--vendor needs the number of the Source that holds the vendor tarball")
      end
      o.vendor = words[i]
    elseif spec.harness and w == "--skip" then
      i = i + 1
      if words[i] == nil or words[i] == "" then
        fail(section, "--skip needs a test name")
      end
      table.insert(o.harness, "--skip")
      table.insert(o.harness, words[i])
    elseif spec.harness and w == "--" then
      for j = i + 1, #words do
        table.insert(o.harness, words[j])
      end
      break
    else
      fail(section, "unknown option '" .. w .. "' (see docs/buildoptions.md)")
    end
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

-- Split the text of %* into words.
function M.words(text)
  local out = {}
  for w in tostring(text or ""):gmatch("%S+") do
    table.insert(out, w)
  end
  return out
end

-- A section's selection, else the one given to conf (BuildOption without
-- a section), else cargo's default.
function M.effective(conf, own)
  local o = {}
  local from = own.selects and own or conf
  o.all, o.no_default, o.features = from.all, from.no_default, from.features
  o.no_check = conf.no_check or own.no_check
  o.harness = own.harness
  o.vendor = conf.vendor
  o.workspace = conf.workspace
  return o
end

-- The selection as the -a/-n/-f flags of the %cargo_* macros.
function M.flags(o)
  local f = {}
  if o.all then table.insert(f, "-a") end
  if o.no_default then table.insert(f, "-n") end
  if o.features then table.insert(f, "-f " .. o.features) end
  return table.concat(f, " ")
end

local function join(...)
  local parts = {}
  for _, p in ipairs({ ... }) do
    if p ~= "" then table.insert(parts, p) end
  end
  return table.concat(parts, " ")
end

-- The body of one generated section, as %cargo_* macro calls.
-- tests_off: the packager switched %check off from outside the spec
-- (rpmbuild --without check).
-- static: the subpackages were expanded into the spec at parse time (the
-- compat mode for RPM 4.16), so %build checks them instead of writing parts.
function M.body(section, conf, own, tests_off, static)
  local o = M.effective(conf, own)
  if o.workspace and o.features then
    fail(section, "-f cannot be combined with --workspace; use -a or -n (docs/workspaces.md)")
  end
  local sel = M.flags(o)
  local no_tests = o.no_check or tests_off
  -- a vendored application: its crates come in SourceN, so no crate
  -- BuildRequires, no -devel packages, and cargo-vendor.txt for the
  -- bundled(crate(...)) Provides
  local vendored = o.vendor and "-V" or ""
  -- cargo's --workspace; buildsys itself reads the workspace from what
  -- %cargo_prep -w recorded
  local ws = o.workspace and "-w" or ""
  if section == "conf" then
    return join("%cargo_prep", o.vendor and ("-v %{SOURCE" .. o.vendor .. "}") or "", ws)
  elseif section == "generate_buildrequires" then
    return join("%cargo_generate_buildrequires", vendored, ws, sel, no_tests and "" or "-t")
  elseif section == "build" then
    local tail = static and "%cargo_sections_check" or "%cargo_specparts"
    if o.vendor then
      tail = "%{" .. join("cargo_vendor_manifest", sel) .. "} > cargo-vendor.txt"
    end
    return table.concat({
      join("%cargo_build", ws, sel),
      join("%cargo_license_summary", sel),
      -- braces: a bare parametric macro call would eat the redirection
      "%{" .. join("cargo_license", sel) .. "} > LICENSE.dependencies",
      tail,
    }, "\n")
  elseif section == "install" then
    return join("%cargo_install", vendored, sel)
  elseif section == "check" then
    if no_tests then
      return "echo 'buildsys: tests switched off'"
    end
    local harness = table.concat(o.harness, " ")
    return join("%cargo_test", ws, sel, harness ~= "" and ("-- -- " .. harness) or "")
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

-- Entry point for the %buildsystem_cargo_* macros (inside rpm only).
-- conf runs first (rpm expands conf's macro before the others), so its
-- options are kept in a macro for the sections after it.
function M.section(section, args)
  local own = M.parse(section, args or {})
  local conf
  if section == "conf" then
    rpm.define("__buildsys_conf_options " .. (#args > 0 and table.concat(args, " ") or "%{nil}"))
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

-- The mode buildsys picks for the running rpm (buildsys.mode decides).
local function mode()
  local words = { "mode", "--force", rpm.expand("%{?buildsys_mode}") }
  local version = rpm.expand("%{?rpmversion}")
  if version ~= "" then
    table.insert(words, "--rpm-version")
    table.insert(words, version)
  end
  return (buildsys(words):gsub("%s+$", ""))
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

-- %cargo_compat OPTIONS: BuildOption's words split by section. Words
-- before any "SECTION:" word are conf's, as BuildOption without a section.
function M.compat_options(words)
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
  local parsed = {}
  for name, _ in pairs(M.SECTIONS) do
    parsed[name] = M.parse(name, by[name] or {})
  end
  return parsed
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
  local opts = M.compat_options(args or M.words(rpm.expand("%*")))
  local tests_off = rpm.expand("%{?_without_check}") ~= ""
  local static, parts = true, ""
  if installed() then
    static = mode() == "static"
    local archive = rpm.expand("%{SOURCE0}")
    if static and file_exists(archive) and not opts.conf.vendor then
      local words = { "sections", "--digest", "--archive", archive, "--registry", rpm.expand("%{cargo_registry}") }
      if opts.conf.workspace then table.insert(words, "--workspace") end
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
