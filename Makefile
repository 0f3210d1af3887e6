# Everything a fresh machine needs is installed by these targets.
HOST_PYTHON ?= /usr/bin/python3
VENV ?= .venv
export BUILDSYS_CACHE ?= /var/cache/buildsys
HOST_PACKAGES = rpm python3-rpm python3-venv mmdebstrap dpkg time rpmlint patch

# `make install DESTDIR=ROOT`: what rpmbuild inside ROOT needs, run by ROOT's
# own python3. The Python package goes to a private directory so that it
# does not depend on the site directory layout of ROOT's Python.
PREFIX ?= /usr
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
RPMCONFIGDIR ?= $(PREFIX)/lib/rpm
TARGET_PYTHON ?= /usr/bin/python3
PYDIR = $(DATADIR)/buildsys

.PHONY: demo check bench farm host-packages install rpm srpm build

# buildsys's own RPMs (buildsys, buildsys-srpm-macros) and SRPM, from the
# work tree, built with RPM 4.20.1 in the project's root, into dist/.
rpm: $(VENV)/.installed
	$(VENV)/bin/python examples/rpmbuild_here.py self --out $(DIST)
srpm: $(VENV)/.installed
	$(VENV)/bin/python examples/rpmbuild_here.py self --srpm --out $(DIST)

# `make build SPEC=rust-foo.spec [RPM=4.20|4.19|4.16|6.1] [SOURCES=DIR]`: rpmbuild
# -ba in a clean root of that RPM with buildsys installed as RPMs; the
# crate and other sources are the files beside the spec (or in SOURCES).
RPM ?= 4.20
DIST ?= dist
build: $(VENV)/.installed
	@test -n "$(SPEC)" || { echo "make build SPEC=path/to/the.spec [RPM=4.20|4.19|4.16|6.1] [SOURCES=dir]"; exit 2; }
	$(VENV)/bin/python examples/rpmbuild_here.py spec "$(SPEC)" --rpm "$(RPM)" $(if $(SOURCES),--sources "$(SOURCES)") --out $(DIST)

demo: $(VENV)/.installed
	$(VENV)/bin/python examples/build_example.py

check: $(VENV)/.installed
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

# The performance benchmarks (as root, about 15 minutes), recorded into
# docs/benchmarks.md; never part of check.
bench: $(VENV)/.installed
	$(VENV)/bin/python -m benchmarks all --record

host-packages:
	@dpkg -s $(HOST_PACKAGES) >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q $(HOST_PACKAGES); }

$(VENV)/.installed: pyproject.toml | host-packages
	$(HOST_PYTHON) -m venv --system-site-packages $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@

install:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PYDIR)/buildsys $(DESTDIR)$(RPMCONFIGDIR)/macros.d $(DESTDIR)$(RPMCONFIGDIR)/lua/buildsys $(DESTDIR)$(RPMCONFIGDIR)/fileattrs
	install -m 644 buildsys/*.py $(DESTDIR)$(PYDIR)/buildsys/
	install -m 644 macros.d/macros.buildsys macros.d/macros.buildsys-srpm compat/epel9/macros.buildsys-compat $(DESTDIR)$(RPMCONFIGDIR)/macros.d/
	install -m 644 rpm-lua/buildsys/*.lua $(DESTDIR)$(RPMCONFIGDIR)/lua/buildsys/
	install -m 644 macros.d/buildsys_vendor.attr $(DESTDIR)$(RPMCONFIGDIR)/fileattrs/
	# Fedora's macro API under Fedora's file names (the buildsys-cargo-rpm-macros package)
	install -m 644 macros.d/macros.cargo macros.d/macros.rust $(DESTDIR)$(RPMCONFIGDIR)/macros.d/
	install -m 644 macros.d/cargo.attr macros.d/cargo_vendor.attr $(DESTDIR)$(RPMCONFIGDIR)/fileattrs/
	printf '%s\n' '#!$(TARGET_PYTHON) -s' 'import sys' 'sys.path.insert(0, "$(PYDIR)")' \
		'from buildsys.cli import main' 'sys.exit(main())' > $(DESTDIR)$(BINDIR)/buildsys
	chmod 755 $(DESTDIR)$(BINDIR)/buildsys

# `make farm [ROOTS="hexyl libz-sys"]`: build the roots' whole crate closure
# from an empty repository as koji does (benchmarks/farm.py, docs/farm.md),
# as root; a benchmark, never part of check. The report goes to
# docs/farm.md and $(FARM_JSON).
ROOTS ?= hexyl libz-sys
FARM_JSON ?= farm-report.json
farm: $(VENV)/.installed
	$(VENV)/bin/python -m benchmarks.farm --roots "$(ROOTS)" --record --json "$(FARM_JSON)"
