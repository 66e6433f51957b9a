# The README's two commands:
#   make run    the main job: `pianura plan` on the embedded default area and spec (writes out/)
#   make test   the test suite
#   make fuzz   the mutation tests of every reader with many more cases (about 10 minutes)
# Both first make sure cmake and libclang are available (scripts/setup-tools.sh), because the
# HiGHS solver is built from source, and Chromium for the report's browser test. Both use the
# release profile, so HiGHS is built once.

.PHONY: run test lint bench fixtures fixtures-economic tools fuzz

tools:
	@bash scripts/setup-tools.sh

run:
	@PIANURA_SETUP_BROWSER=0 bash scripts/setup-tools.sh
	. .tools/env && cargo run --release --quiet -- plan

test: tools
	. .tools/env && cargo test --release

# Formatting and lints, as CI runs them (clippy in the release profile, so HiGHS's build is
# shared with `make test`).
lint: tools
	. .tools/env && cargo fmt --check && cargo clippy --release --all-targets -- -D warnings

bench: tools
	. .tools/env && cargo bench

fixtures:
	python3 scripts/build_fixtures.py

# The economic layer of the default area (fixtures/bassa_bresciana/{economic,feature_sources,
# spending,collaborations}.csv, fixtures/lombardia/spending_tot.csv) from the published raw files;
# `python3 scripts/build_fixtures.py --economic RAW_DIR` runs it after the other fixtures.
fixtures-economic:
	python3 scripts/build_economic.py ../shared/data/economic/raw

# Mutation tests of every reader with many more cases (tests/mutation.rs): 15000 cases per
# library property and 375 per binary-level one, about 10 minutes on 2 cores. A random seed
# each run, printed with every failure (PIANURA_FUZZ_SEED=N repeats one); failing inputs are
# saved under target/tmp/mutation-failures/. `make test` runs the same tests with 32 cases
# and a fixed seed.
PIANURA_FUZZ_CASES ?= 15000
fuzz:
	@PIANURA_SETUP_BROWSER=0 bash scripts/setup-tools.sh
	. .tools/env && PIANURA_FUZZ_CASES=$(PIANURA_FUZZ_CASES) cargo test --release --test mutation -- --test-threads 2
