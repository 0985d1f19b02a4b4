#!/usr/bin/env bash
# Writes scripts/link-order/mzt.txt and scripts/link-order/mzt-conductor.txt: the code
# sections the release binaries run for everyday work, which `make release` asks the linker
# to place side by side (Package.swift, `--section-ordering-file`).
#
# Why: the kernel maps an executable's code 64 KB at a time around each page it faults in.
# With a command's hot functions spread over 28 MB of code, a conductor kept about 20 MB of
# it resident and a short `mzt` command took hundreds of page faults. Placed together, the
# same functions fill a few megabytes. A function missing from the list (new code, a path
# the workload below does not take) is only placed after the listed ones, so a stale list
# costs memory, never correctness.
#
# Usage: make release && scripts/link-order.sh && make release
# (the script removes the two release binaries: the build does not see the lists change, and
# would otherwise keep the binaries linked in the old order)
# Needs valgrind (callgrind lists every function a process ran).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.build/release
out=scripts/link-order
command -v valgrind >/dev/null || { echo "link-order.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
for b in mzt mzt-conductor; do
    [ -x "$bin/$b" ] || { echo "link-order.sh: no $bin/$b; run make release first" >&2; exit 1; }
done

work=$(mktemp -d)
export MZT_HOME="$work/home"
cleanup() {
    "$bin/mzt" stop --yes >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -m 700 "$MZT_HOME"

# valgrind cannot read the debug information these binaries carry; stripped copies keep
# every symbol.
for b in mzt mzt-conductor; do strip -g -o "$work/$b" "$bin/$b"; done

cat >"$work/one.yaml" <<EOF
name: one
workspace: $work/ws-one
sheet: {size: 1, total_items: 1}
backend: {type: command}
prompt: {template: "true"}
EOF
cat >"$work/many.yaml" <<EOF
name: many
workspace: $work/ws-many
sheet: {size: 1, total_items: 12}
backend: {type: command}
prompt:
  template: "echo sheet {{ sheet_num }} of {{ total_sheets }} > out-{{ sheet_num }}.txt"
validations:
  - type: file_exists
    path: "{workspace}/out-{sheet_num}.txt"
EOF

valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/conductor.%p.cg" \
    "$work/mzt-conductor" --home "$MZT_HOME" >"$work/conductor.log" 2>&1 &
conductor=$!
deadline=$((SECONDS + 180))
until [ -S "$MZT_HOME/conductor.sock" ]; do
    [ $SECONDS -lt $deadline ] || { cat "$work/conductor.log" >&2; exit 1; }
    sleep 0.5
done

client() { valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/client.%p.cg" -q "$work/mzt" "$@"; }
client --version
client submit "$work/one.yaml" --wait
for i in $(seq 1 20); do "$bin/mzt" submit "$work/one.yaml" --id "one-$i" --wait >/dev/null; done
client submit "$work/many.yaml" --wait
client submit "$work/one.yaml" --id quick
"$bin/mzt" wait quick >/dev/null 2>&1 || true
client list
client list --all
client status one
client status many
client logs one
client conductor-status
client --help >/dev/null
"$bin/mzt" stop --yes >/dev/null
deadline=$((SECONDS + 120))
while kill -0 "$conductor" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "link-order.sh: the conductor did not stop" >&2; exit 1; }
    sleep 0.5
done

mkdir -p "$out"
python3 - "$work" "$bin" "$out" <<'EOF'
import glob, re, subprocess, sys
work, bin, out = sys.argv[1:]
for binary, prefix in (("mzt", "client"), ("mzt-conductor", "conductor")):
    defined = set()
    symbols = subprocess.run(["nm", "--defined-only", f"{bin}/{binary}"], capture_output=True, text=True, check=True)
    for line in symbols.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            defined.add(parts[2])
    ran = set()
    for path in glob.glob(f"{work}/{prefix}.*.cg"):
        for line in open(path, errors="replace"):
            m = re.match(r"^c?fn=\(\d+\) (\S+)", line)
            if m:
                ran.add(re.sub(r"'\d+$", "", m.group(1)))
    hot = sorted(ran & defined)
    if len(hot) < 1000:
        sys.exit(f"link-order.sh: only {len(hot)} functions recorded for {binary}; is the workload running?")
    with open(f"{out}/{binary}.txt", "w") as f:
        f.writelines(f".text.{name}\n" for name in hot)
    print(f"{out}/{binary}.txt: {len(hot)} functions")
EOF
# The lists are not an input the build tracks: without the binaries, the next build links them.
rm -f "$bin/mzt" "$bin/mzt-conductor"
echo "link-order.sh: run make release to link mzt and mzt-conductor in the new order"
