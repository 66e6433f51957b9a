# The README's two commands:
#   make run    the main job on the embedded default area
#   make test   the test suite
# Both first make sure cmake and libclang are available (scripts/setup-tools.sh), because the
# HiGHS solver is built from source. `cargo` profiles are shared, so HiGHS is built once.

.PHONY: run test bench fixtures tools

tools:
	@bash scripts/setup-tools.sh

run: tools
	. .tools/env && cargo run --release --quiet -- graph

test: tools
	. .tools/env && cargo test --release

bench: tools
	. .tools/env && cargo bench

fixtures:
	python3 scripts/build_fixtures.py
