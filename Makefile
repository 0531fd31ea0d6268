# Two commands matter: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/tactful check frameworks/
	$(BIN)/tactful build frameworks/ --out out/
	$(BIN)/tactful docs frameworks/ --out out/site-src --build
	@echo
	@echo "Built out/bundle.json and the templates in out/templates/."
	@echo "Built the library site in out/site-src/site/ (open index.html, or: python3 -m http.server -d out/site-src/site)."

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python -m pytest -q -s tests/bench --benchmark-enable --benchmark-only --benchmark-columns=min,median,mean,rounds

clean:
	rm -rf $(VENV) out build dist .pytest_cache .benchmarks
