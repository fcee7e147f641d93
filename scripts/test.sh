#!/usr/bin/env bash
# Install everything the tests need (from scratch on a fresh machine), check the import layers
# (lint-imports: the contracts in pyproject.toml), then run the whole suite: unit tests, integration
# tests with the real packaged models, and browser tests in headless Chromium.
# Extra arguments go to pytest, e.g.  scripts/test.sh -m unit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
export HF_HUB_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1 TRANSFORMERS_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False \
       ORT_DISABLE_TELEMETRY=1 ANONYMIZED_TELEMETRY=False
.venv/bin/lint-imports --no-cache
exec .venv/bin/python -m pytest "$@"
