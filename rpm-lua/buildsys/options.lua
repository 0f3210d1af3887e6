-- Every BuildOption of BuildSystem: cargo, declared once, as data.
-- buildsys/cargo.lua parses BuildOption lines and writes the sections'
-- build steps' calls (%__buildsys_*) from these tables alone; tests/test_option_table.py
-- checks them against the macros' getopt strings (macros.d/), buildsys's
-- argparse and docs/buildoptions.md. Adding an option: a row in OPTIONS
-- (and in FIELDS if it sets something new), the macro flag and the code
-- that acts on it, its line in docs/buildoptions.md.

local T = {}

-- The sections RPM generates for BuildSystem: cargo, in build order.
T.SECTIONS = { "conf", "generate_buildrequires", "build", "install", "check" }

-- The build steps whose flags select features (-a, -n, -f).
local SELECTING = {
  "__buildsys_generate_buildrequires", "__buildsys_build", "__buildsys_test", "__buildsys_install",
  "__buildsys_license", "__buildsys_license_summary", "__buildsys_vendor_manifest", "__buildsys_specparts", "__buildsys_sections_check",
}

local function on(macros, flag)
  local out = {}
  for _, m in ipairs(macros) do out[m] = flag end
  return out
end

local function selecting(letter)
  local flag = letter:sub(1, 2)
  return { scope = "selection", macros = on(SELECTING, letter),
           cli = { buildrequires = flag, ["is-bin"] = flag, ["bin-paths"] = flag, ["license-breakdown"] = flag,
                   ["license-summary"] = flag, specparts = flag, sections = flag },
           parse_time = flag }
end

local function named(name, field)
  field.name = name
  return field
end

-- What parsing sets, in the order the flags appear in a step's call.
--   scope: where a section's value comes from:
--     selection: the section's own -a/-n/-f if it gives any, else conf's
--     conf:      conf's (recorded by %cargo_prep in .buildsys/project.json)
--     either:    set if conf or the section sets it
--     section:   the section's own
--   macros: MACRO (a private step, %__buildsys_*) = the flag it becomes in
--     that macro's call ("%s": the value; a list value is joined with
--     spaces)
--   unset: MACRO = the flag that macro gets when the field is not set
--   cli: ACTION = the buildsys option the macros pass that flag on as
--   parse_time: the option of `buildsys sections` (%cargo_compat, RPM 4.16),
--     followed by the value for a field with one (the build section's)
--   list: the field collects words; join: the separator its words are
--     passed on with, as one macro argument (a macro's option, given
--     twice, keeps only the last)
T.FIELDS = {
  { name = "vendor", scope = "conf",
    macros = { __buildsys_prep = "-v %{SOURCE%s}", __buildsys_generate_buildrequires = "-V", __buildsys_install = "-V" },
    cli = { prepare = "--vendor", buildrequires = "--vendored" } },
  { name = "workspace", scope = "conf",
    macros = { __buildsys_prep = "-w", __buildsys_generate_buildrequires = "-w", __buildsys_build = "-w", __buildsys_test = "-w" },
    cli = { prepare = "--workspace", buildrequires = "--workspace" }, parse_time = "--workspace" },
  named("all", selecting("-a")),
  named("no_default", selecting("-n")),
  named("features", selecting("-f %s")),
  { name = "no_check", scope = "either", unset = { __buildsys_generate_buildrequires = "-t" },
    cli = { buildrequires = "-t" } },
  { name = "harness", scope = "section", list = true, macros = { __buildsys_test = "-- -- %s" } },
  -- the packager's fixes (docs/buildoptions.md#the-packagers-fixes)
  { name = "requires", scope = "conf", list = true, join = ",", macros = { __buildsys_prep = "-r %s" },
    cli = { prepare = "--requires" }, parse_time = "--requires" },
  { name = "feature_requires", scope = "conf", list = true, join = ",", macros = { __buildsys_prep = "-R %s" },
    cli = { prepare = "--feature-requires" }, parse_time = "--feature-requires" },
  { name = "buildrequires", scope = "conf", list = true, join = ",",
    macros = { __buildsys_prep = "-b %s", __buildsys_generate_buildrequires = "-b %s" },
    cli = { prepare = "--buildrequires", buildrequires = "--also" } },
  { name = "hidden", scope = "conf", list = true, join = ",", macros = { __buildsys_prep = "-H %s" },
    cli = { prepare = "--hide-feature" }, parse_time = "--hide-feature" },
}

-- The words of a BuildOption line.
--   sets: the field it sets (true, or its value); adds: the list it adds
--     the word and its value to; collects: the list it adds the value to
--   value: what follows the word: features (a comma-separated list; also
--     as --features=LIST), source (a SourceN number), test (a test name,
--     added after --skip), rest (every word after it), capability (an RPM
--     dependency in one word: NAME, or NAME>=VERSION with no spaces),
--     feature_capability (FEATURE:CAPABILITY)
T.OPTIONS = {
  { words = { "-a", "--all-features" }, sets = "all", sections = T.SECTIONS },
  { words = { "-n", "--no-default-features" }, sets = "no_default", sections = T.SECTIONS },
  { words = { "-f", "--features" }, sets = "features", value = "features", sections = T.SECTIONS },
  { words = { "--no-check" }, sets = "no_check", sections = { "conf", "check" } },
  { words = { "--vendor" }, sets = "vendor", value = "source", sections = { "conf" } },
  { words = { "--workspace" }, sets = "workspace", sections = { "conf" } },
  { words = { "--skip" }, adds = "harness", value = "test", sections = { "check" } },
  { words = { "--" }, adds = "harness", value = "rest", sections = { "check" } },
  { words = { "--requires" }, collects = "requires", value = "capability", sections = { "conf" } },
  { words = { "--feature-requires" }, collects = "feature_requires", value = "feature_capability",
    sections = { "conf" } },
  { words = { "--buildrequires" }, collects = "buildrequires", value = "capability", sections = { "conf" } },
  { words = { "--hide-feature" }, collects = "hidden", value = "features", sections = { "conf" } },
}

return T
