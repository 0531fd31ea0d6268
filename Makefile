# Two commands matter: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup browser run test bench fuzz clean

# Bytecode for the editable package, which pip does not compile: where PYTHONDONTWRITEBYTECODE is set
# (as on CI machines), every `tactful` run would otherwise compile the compiler from source first.
setup: $(STAMP)
	@$(BIN)/python -m compileall -q compiler/tactful

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	@echo "== check: every framework of frameworks/, warnings included"
	@$(BIN)/tactful check --strict frameworks/
	@mkdir -p out
	@echo "== test: every example and signal example"
	@$(BIN)/tactful test --quiet --junit out/test-report.xml frameworks/ > out/test-report.txt; status=$$?; cat out/test-report.txt; exit $$status
	@echo "== build: the bundle, its templates and the conformance cases"
	@out=$$($(BIN)/tactful build frameworks/ --out out/ 2>&1) || { echo "$$out"; exit 1; }; echo "$$out" | grep -v '^checked '
	@echo "== docs: the library site"
	@out=$$($(BIN)/tactful docs frameworks/ --out out/site-src --build 2>&1) || { echo "$$out"; exit 1; }; echo "$$out" | grep -v '^checked '
	@echo "== eval: the library scored on the held-out half of its labelled corpus (frameworks/corpus/)"
	@$(BIN)/tactful eval frameworks/corpus/*.jsonl --bundle out/bundle.json --split test > out/eval-test.txt; \
		status=$$?; head -n 4 out/eval-test.txt; exit $$status
	@echo "== replay: a sample inbox archive through the bundle (examples/replay/sample.jsonl)"
	@$(BIN)/tactful replay examples/replay/sample.jsonl --bundle out/bundle.json --quiet --jobs 1 > out/replay-sample.txt; \
		status=$$?; head -n 3 out/replay-sample.txt; exit $$status
	@echo
	@echo "== draft: a reply from the bundle just built (a third contact, on Instagram)"
	@echo
	@$(BIN)/tactful draft billing.duplicate_charge --bundle out/bundle.json --example-slots \
		--message "You charged me twice for the same order. Third time I'm asking." \
		--channel instagram --visibility private --contact-count 3
	@echo
	@echo "Where everything is:"
	@echo "  bundle        out/bundle.json (templates in out/templates/, test cases in out/conformance.json)"
	@echo "  test report   out/test-report.txt (JUnit: out/test-report.xml)"
	@echo "  evaluation    out/eval-test.txt (every miss, with why), out/replay-sample.txt"
	@echo "  library site  out/site-src/site/index.html (or: python3 -m http.server -d out/site-src/site)"
	@echo "  sources       frameworks/ (the library), stdlib/ (what every framework can use), tactful.toml"

# The docs browser test drives Debian's Chromium (tests/docs/test_browser.py): installed here where we
# can (as root, with apt-get); elsewhere the test is skipped and says why.
browser:
	@if ! command -v chromium >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian's chromium for the browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "warning: could not install chromium; the browser test will be skipped" >&2; \
	fi

# One worker per core; a test file stays on one worker (its fixtures and servers are shared by its tests).
test: setup browser
	$(BIN)/python -m pytest -q -n auto --dist loadfile

# The fuzz campaign (tests/fuzz) about forty times longer than in `make test`, killed builds, and the load test
# that swaps bundles under a running server for 30 s instead of 2. Seeded: a failure reproduces.
fuzz: setup
	TACTFUL_FUZZ_SCALE=40 TACTFUL_LOAD_SECONDS=30 $(BIN)/python -m pytest -q tests/fuzz tests/serve/test_load_swap.py \
		tests/outputs/test_crash_safe_writes.py

bench: setup
	$(BIN)/python -m pytest -q -s tests/bench --benchmark-enable --benchmark-only --benchmark-columns=min,median,mean,rounds

clean:
	rm -rf $(VENV) out build dist .pytest_cache .benchmarks
