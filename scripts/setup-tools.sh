#!/usr/bin/env bash
# Makes sure the two build tools HiGHS needs are there, and writes .tools/env for make.
#
# good_lp's `highs` feature builds HiGHS from source with cmake, and highs-sys generates its
# bindings with bindgen, which needs libclang. When the machine has neither, they come from the
# PyPI wheels `cmake` and `libclang`, installed into the git-ignored .tools/py folder.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tools
py=.tools/py
env_file=.tools/env
: > "$env_file.new"

missing=()
if command -v cmake >/dev/null 2>&1; then
  echo "setup: using the system cmake ($(command -v cmake))"
else
  echo "export CMAKE=$PWD/$py/cmake/data/bin/cmake" >> "$env_file.new"
  [ -x "$py/cmake/data/bin/cmake" ] || missing+=("cmake==4.4.4")
fi
if [ -n "${LIBCLANG_PATH:-}" ] || ldconfig -p 2>/dev/null | grep -q 'libclang[-.0-9]*\.so'; then
  echo "setup: using the system libclang"
else
  echo "export LIBCLANG_PATH=$PWD/$py/clang/native" >> "$env_file.new"
  [ -e "$py/clang/native/libclang.so" ] || missing+=("libclang==18.1.1")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} from PyPI into $py"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --target "$py" "${missing[@]}"
fi
# The report's browser check (tests/report.rs) runs Debian's headless Chromium.
if [ "${PIANURA_SETUP_BROWSER:-1}" = 1 ] && [ ! -x /usr/bin/chromium ] && [ -z "${CHROMIUM:-}" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's chromium for the report's browser check"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium missing; install Debian's chromium package (or set CHROMIUM) for the browser test" >&2
  fi
fi
mv "$env_file.new" "$env_file"
