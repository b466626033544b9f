#!/usr/bin/env bash
# One command from a fresh clone to a chat over the bundled sample letter.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/govqa index samples/
exec .venv/bin/govqa chat
