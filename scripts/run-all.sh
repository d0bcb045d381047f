#!/usr/bin/env bash
# Serve the web app and run the reminder scheduler side by side; Ctrl-C stops both.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-5000}
bin=.venv/bin

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$bin/gunicorn" --config gunicorn.conf.py --bind "$host:$port" wsgi:app &
pids+=($!)
if "$bin/flask" --app wsgi scheduler --help >/dev/null 2>&1; then
  "$bin/flask" --app wsgi scheduler run &
  pids+=($!)
fi
wait -n "${pids[@]}"
