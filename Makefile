# Everything a fresh machine needs is installed by these targets.
HOST_PYTHON ?= /usr/bin/python3
VENV ?= .venv
export BUILDSYS_CACHE ?= /var/cache/buildsys
HOST_PACKAGES = rpm python3-rpm python3-venv mmdebstrap dpkg

.PHONY: demo check host-packages

demo: $(VENV)/.installed
	$(VENV)/bin/buildsys -p examples/hello-features packages

check: $(VENV)/.installed
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

host-packages:
	@dpkg -s $(HOST_PACKAGES) >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q $(HOST_PACKAGES); }

$(VENV)/.installed: pyproject.toml | host-packages
	$(HOST_PYTHON) -m venv --system-site-packages $(VENV)
	$(VENV)/bin/pip install -q -e '.[test]'
	touch $@
