#!/usr/bin/env bash
# Counts from the last checkpoint (or 1) to inputs.count. Reads one JSON request line on
# stdin and writes JSON lines on stdout. Uses python3 only to read JSON fields.
set -euo pipefail
read -r request
field() { python3 -c 'import json,sys; r=json.loads(sys.argv[1]); v=r
for k in sys.argv[2].split("."):
    v = v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)' "$request" "$1"; }

count=$(field inputs.count)
label=$(field inputs.label)
delay=$(field settings.delay)
start=$(field checkpoint.next)
start=${start:-1}

echo "{\"log\": \"counting from $start to $count\", \"level\": \"INFO\"}"
for ((i = start; i <= count; i++)); do
    echo "$i" >> "${MZT_WORKSPACE}/counted.txt"
    echo "{\"result\": {\"$label\": $i}}"
    echo "{\"checkpoint\": {\"next\": $((i + 1))}}"
    sleep "$delay"
done
echo "plain output line"
echo "done counting" >&2
