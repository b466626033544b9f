#!/usr/bin/env bash
# One command from a fresh clone to the full test suite. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Tests reuse the model `govqa model prepare` just converted (<cache>/models/…), never convert it again.
export GOVQA_TEST_MODEL_CACHE=${GOVQA_TEST_MODEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/govqa}
exec .venv/bin/python -m pytest "$@"
