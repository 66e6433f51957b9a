# The README's two commands:
#   make run    the main job: `pianura plan` on the embedded default area and spec (writes out/)
#   make test   the test suite
# Both first make sure cmake and libclang are available (scripts/setup-tools.sh), because the
# HiGHS solver is built from source, and Chromium for the report's browser test. Both use the
# release profile, so HiGHS is built once.

.PHONY: run test bench fixtures tools

tools:
	@bash scripts/setup-tools.sh

run:
	@PIANURA_SETUP_BROWSER=0 bash scripts/setup-tools.sh
	. .tools/env && cargo run --release --quiet -- plan

test: tools
	. .tools/env && cargo test --release

bench: tools
	. .tools/env && cargo bench

fixtures:
	python3 scripts/build_fixtures.py
