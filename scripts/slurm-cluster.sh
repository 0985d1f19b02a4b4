#!/usr/bin/env bash
# A real one-node Slurm cluster for the Slurm tests and for trying the Slurm executor by hand:
# munged, slurmctld and slurmd started without systemd, every file under one directory.
#
#   scripts/slurm-cluster.sh up DIR      write the configuration, start the three daemons and
#                                        wait (with a deadline) until the node takes jobs
#   scripts/slurm-cluster.sh down DIR    cancel the cluster's jobs, stop the daemons, wait
#                                        until they are gone (with a deadline)
#   scripts/slurm-cluster.sh status DIR  exit 0 when all three run, 3 when none does, 1 otherwise
#   scripts/slurm-cluster.sh env DIR     prints `export SLURM_CONF=DIR/etc/slurm.conf`
#
# Then: eval "$(scripts/slurm-cluster.sh env DIR)"; sbatch, squeue, scontrol, scancel work.
#
# DIR must be short (slurmstepd makes unix sockets below it; a socket path has 108 bytes),
# free of whitespace, and every folder above it searchable by others (munged checks): a
# fresh `mktemp -d /tmp/slurm-XXXXXX` is right. Needs root (the daemons run as root) and
# Debian's slurm-wlm and munge packages (scripts/test-deps.sh installs them).
#
# Settings, read by `up` (a changed configuration restarts slurmctld and slurmd):
#   SLURM_CLUSTER_CPUS          CPUs the node declares (default: the real count); declaring
#                               more lets more jobs run at once on few cores
#   SLURM_CLUSTER_MEM           MB the node declares (default: what slurmd -C finds)
#   SLURM_CLUSTER_CTLD_PORT     slurmctld's port (6817); one cluster per pair of ports
#   SLURM_CLUSTER_SLURMD_PORT   slurmd's port (6818)
#   SLURM_CLUSTER_MIN_JOB_AGE   seconds an ended job stays in squeue/scontrol (300); later
#                               only DIR/log/jobcomp.txt (and `sacct -c`) knows it
#   SLURM_CLUSTER_TIMEOUT       deadline in seconds of every wait of up and down (60)
#   SLURM_CLUSTER_PROBE=1       `up` also runs one trivial job to the end: the first job
#                               after slurmctld starts waits ~3 s, this takes that wait
# Files: DIR/etc/slurm.conf, DIR/munge/{munge.key,munge.socket}, DIR/run/<daemon>.pid,
#        DIR/log/<daemon>.log, DIR/log/jobcomp.txt, DIR/state/{ctld,spool}
# Only processes named in DIR/run/*.pid (and started for this DIR) are ever signalled, plus,
# in `down`, slurmstepd processes of this DIR left behind by a dead slurmd and their children.
set -u -o pipefail
export PATH="$PATH:/usr/sbin:/sbin"

me=${0##*/}
fail() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

verb=${1:-}
dir=${2:-}
[ -n "$verb" ] && [ -n "$dir" ] || fail "usage: $me up|down|status|env DIR"
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
dir=${dir%/}
deadline_seconds=${SLURM_CLUSTER_TIMEOUT:-60}
ctld_port=${SLURM_CLUSTER_CTLD_PORT:-6817}
slurmd_port=${SLURM_CLUSTER_SLURMD_PORT:-6818}
conf=$dir/etc/slurm.conf
socket=$dir/munge/munge.socket
key=$dir/munge/munge.key
rundir=$dir/run
logdir=$dir/log
node=$(hostname -s)
export SLURM_CONF=$conf

# A client command that cannot hang: without munged, Slurm's clients retry for ~50 s.
client() { timeout 15 "$@" 2>/dev/null; }

# ---------------------------------------------------------------- processes

# A process is gone when /proc has no entry, or it is a zombie with no thread left (a
# daemon whose main thread exited shows Z while other threads still save state).
is_gone() {
    local state threads
    [ -r "/proc/$1/status" ] || return 0
    state=$(awk '$1 == "State:" {print $2}' "/proc/$1/status" 2>/dev/null)
    threads=$(awk '$1 == "Threads:" {print $2}' "/proc/$1/status" 2>/dev/null)
    [ -z "$state" ] && return 0
    [ "$state" = Z ] && [ "${threads:-1}" -le 1 ]
}

# The pid of daemon NAME of this DIR, from its pid file; fails unless that process is NAME
# and was started with this DIR's configuration.
daemon_pid() {
    local pid
    [ -f "$rundir/$1.pid" ] || return 1
    pid=$(tr -cd '0-9' < "$rundir/$1.pid" | head -c 10)
    [ -n "$pid" ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/" || return 1
    is_gone "$pid" && return 1
    echo "$pid"
}
running() { daemon_pid "$1" >/dev/null; }

# wait_for SECONDS COMMAND...: true once COMMAND succeeds, false when the time is up.
wait_for() {
    local end=$(( $(date +%s) + $1 ))
    shift
    until "$@"; do
        [ "$(date +%s)" -lt "$end" ] || return 1
        sleep 0.1
    done
}

stop_daemon() {
    local pid
    if pid=$(daemon_pid "$1"); then
        kill -TERM "$pid" 2>/dev/null
        if ! wait_for "$deadline_seconds" is_gone "$pid"; then
            say "$1 (pid $pid) still runs ${deadline_seconds}s after SIGTERM; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null
            wait_for 10 is_gone "$pid" || say "$1 (pid $pid) does not go away"
        fi
    fi
    rm -f "$rundir/$1.pid"
}

# Starts a daemon with stdin from /dev/null, output appended to a file, every other
# descriptor closed (munged keeps what it inherits, so a caller reading our output through a
# pipe would otherwise never see its end, and the lock on DIR would stay held), and every
# signal back to its default: a caller that ignores SIGTERM (a test runner may) passes that
# on, and munged and slurmd would then ignore the SIGTERM of `down`.
start_daemon() {
    local out=$1 fd
    shift
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            if [ "$fd" -gt 2 ] 2>/dev/null; then eval "exec $fd>&-" 2>/dev/null; fi
        done
        exec env --default-signal "$@"
    ) </dev/null >>"$out" 2>&1
}

port_taken() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# up and down on one DIR never overlap.
take_lock() {
    exec 9>"$dir/.lock" || fail "cannot open $dir/.lock"
    flock -w "$deadline_seconds" 9 || fail "another up or down of $dir holds $dir/.lock"
}

# ---------------------------------------------------------------- configuration

# Writes the configuration; succeeds when it changed.
write_configuration() {
    local hardware cpus mem sockets cores threads topology next
    hardware=$(slurmd -C 2>/dev/null | head -n 1)
    field() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<" $hardware"; }
    cpus=$(field CPUs)
    sockets=$(field SocketsPerBoard)
    cores=$(field CoresPerSocket)
    threads=$(field ThreadsPerCore)
    mem=$(field RealMemory)
    [ -n "$cpus" ] || cpus=$(nproc)
    [ -n "$mem" ] || mem=$(awk '$1 == "MemTotal:" {print int($2 / 1024)}' /proc/meminfo)
    topology="Sockets=${sockets:-1} CoresPerSocket=${cores:-$cpus} ThreadsPerCore=${threads:-1}"
    if [ -n "${SLURM_CLUSTER_CPUS:-}" ] && [ "$SLURM_CLUSTER_CPUS" != "$cpus" ]; then
        cpus=$SLURM_CLUSTER_CPUS
        topology="Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1"
    fi
    mem=${SLURM_CLUSTER_MEM:-$mem}
    next=$conf.next
    cat > "$next" <<EOF
# Written by $me up; rewritten by every up.
ClusterName=marianne
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
StateSaveLocation=$dir/state/ctld
SlurmdSpoolDir=$dir/state/spool
SlurmctldPidFile=$rundir/slurmctld.pid
SlurmdPidFile=$rundir/slurmd.pid
SlurmctldLogFile=$logdir/slurmctld.log
SlurmdLogFile=$logdir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No systemd and no cgroups: job processes are tracked through /proc, nothing is bound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# The CPUs and memory declared below are believed (they may exceed the machine's).
SlurmdParameters=config_overrides
# No database: each ended job is a line of a text file, which sacct -c reads.
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$logdir/jobcomp.txt
MailProg=/bin/true
SchedulerType=sched/backfill
# Jobs are scheduled at the next one-second pass, not held ~3 s first.
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without a default a job without --mem takes the whole node's memory: one job at a time.
DefMemPerCPU=$(( mem / cpus ))
ReturnToService=2
MinJobAge=${SLURM_CLUSTER_MIN_JOB_AGE:-300}
KillWait=5
MpiDefault=none
SwitchType=switch/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus $topology RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
    if [ -f "$conf" ] && cmp -s "$next" "$conf"; then
        rm -f "$next"
        return 1
    fi
    mv -f "$next" "$conf"
}

munge_answers() { client munge -S "$socket" -n </dev/null | client unmunge -S "$socket" >/dev/null; }
controller_answers() { client scontrol ping | grep -q 'is UP'; }
node_state() { client sinfo -h -N -n "$node" -o %T | head -n 1; }

print_logs() {
    local file
    for file in "$logdir"/munged.log "$logdir"/slurmctld.log "$logdir"/slurmd.log; do
        [ -f "$file" ] || continue
        echo "--- last lines of $file" >&2
        grep -v pmix "$file" | tail -n 12 >&2
    done
}

up_failed() {
    print_logs
    stop_daemon slurmd
    stop_daemon slurmctld
    stop_daemon munged
    fail "up failed: $*"
}

# await DAEMON END CHECK...: waits for CHECK; stops early when DAEMON died.
await() {
    local daemon=$1 end=$2 began
    shift 2
    began=$(date +%s)
    until "$@"; do
        if ! running "$daemon" && [ $(( $(date +%s) - began )) -ge 3 ]; then
            up_failed "$daemon exited (see $logdir/$daemon.log)"
        fi
        [ "$(date +%s)" -lt "$end" ] || up_failed "$daemon not ready within ${deadline_seconds}s"
        sleep 0.1
    done
}

# ---------------------------------------------------------------- verbs

up() {
    local began end limit parent state resumed=0 probe
    began=$(date +%s.%N)
    end=$(( $(date +%s) + deadline_seconds ))
    [ "$(id -u)" = 0 ] || fail "must run as root: the daemons run as root (SlurmUser=root)"
    for program in munged slurmctld slurmd sbatch; do
        command -v "$program" >/dev/null || fail "$program is missing; install Debian's slurm-wlm and munge (scripts/test-deps.sh does)"
    done
    # DIR/state/spool/<node>_<job>.<step> is a unix socket: its path must fit in 108 bytes,
    # or every job fails to launch while the node looks idle.
    limit=$(( 78 - ${#node} ))
    [ ${#dir} -le "$limit" ] || fail "DIR is ${#dir} characters long; at most $limit fit slurmstepd's socket paths"
    case "$dir" in *[[:space:]]*) fail "DIR must not contain whitespace" ;; esac
    parent=$dir
    while parent=$(dirname "$parent"); [ "$parent" != / ]; do
        if [ -d "$parent" ] && [ $(( 0$(stat -c %a "$parent") & 1 )) = 0 ]; then
            fail "$parent is not searchable by others, which munged requires; use a DIR under /tmp"
        fi
    done
    mkdir -p "$dir/etc" "$dir/munge" "$rundir" "$logdir" "$dir/state/ctld" "$dir/state/spool" || fail "cannot create $dir"
    take_lock
    # munged: its socket folder searchable by all and writable by no one else, its key 0600.
    chmod 755 "$dir" "$dir/munge" "$dir/etc"
    if [ ! -s "$key" ]; then
        mungekey --create --keyfile="$key" >/dev/null 2>&1 ||
            dd if=/dev/urandom of="$key" bs=1024 count=1 status=none || fail "cannot create $key"
    fi
    chmod 600 "$key"
    if write_configuration && { running slurmctld || running slurmd; }; then
        say "the configuration changed: restarting slurmctld and slurmd"
        stop_daemon slurmd
        stop_daemon slurmctld
    fi

    if ! running munged; then
        rm -f "$rundir/munged.pid"
        start_daemon "$logdir/munged.out" munged --socket="$socket" --key-file="$key" \
            --pid-file="$rundir/munged.pid" --log-file="$logdir/munged.log" \
            --seed-file="$dir/munge/munged.seed" || up_failed "munged did not start"
    fi
    await munged "$end" munge_answers

    if ! running slurmctld; then
        port_taken "$ctld_port" && up_failed "port $ctld_port is taken (another cluster?); set SLURM_CLUSTER_CTLD_PORT"
        rm -f "$rundir/slurmctld.pid"
        start_daemon "$logdir/slurmctld.out" slurmctld -f "$conf" || up_failed "slurmctld did not start"
    fi
    await slurmctld "$end" controller_answers

    if ! running slurmd; then
        port_taken "$slurmd_port" && up_failed "port $slurmd_port is taken (another cluster?); set SLURM_CLUSTER_SLURMD_PORT"
        rm -f "$rundir/slurmd.pid"
        start_daemon "$logdir/slurmd.out" slurmd -f "$conf" || up_failed "slurmd did not start"
    fi
    # The node takes jobs once slurmd has registered (ReturnToService=2 brings a DOWN node
    # back); a drain left by an earlier run is lifted once.
    node_usable() {
        state=$(node_state)
        case "$state" in
            idle | mixed | allocated | completing) return 0 ;;
            *drain* | *drng*)
                [ "$resumed" = 1 ] || client scontrol update nodename="$node" state=resume >/dev/null
                resumed=1
                ;;
        esac
        return 1
    }
    await slurmd "$end" node_usable

    if [ "${SLURM_CLUSTER_PROBE:-0}" = 1 ]; then
        probe=$(client sbatch --parsable --job-name=cluster-probe --output=/dev/null --chdir="$dir" --wrap=true) ||
            up_failed "the probe job was refused"
        probe_ended() {
            case "$(client squeue -h -t all -j "$probe" -o %T)" in
                COMPLETED) return 0 ;;
                FAILED | CANCELLED | TIMEOUT | NODE_FAIL | BOOT_FAIL | OUT_OF_MEMORY) up_failed "the probe job $probe did not complete" ;;
            esac
            return 1
        }
        await slurmd "$end" probe_ended
    fi
    say "up in $(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')s: node $node $state; export SLURM_CONF=$conf"
}

jobs_not_ended() {
    client squeue -h -t all -o %T | grep -cvE '^(COMPLETED|CANCELLED|FAILED|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY)$'
}

# slurmstepd processes of this DIR (they keep its slurmd.log open) that outlived slurmd.
leftover_stepds() {
    local entry pid fd
    for entry in /proc/[0-9]*; do
        pid=${entry#/proc/}
        [ "$(cat "$entry/comm" 2>/dev/null)" = slurmstepd ] || continue
        is_gone "$pid" && continue
        for fd in "$entry"/fd/*; do
            if [ "$(readlink "$fd" 2>/dev/null)" = "$logdir/slurmd.log" ]; then
                echo "$pid"
                break
            fi
        done
    done
}

# Every process below PID, read from /proc.
subtree() {
    local table queue current child found=""
    table=$(for stat in /proc/[0-9]*/stat; do
        { read -r line < "$stat"; } 2>/dev/null || continue
        rest=${line##*) }
        # shellcheck disable=SC2086 # the fields after "(comm) " are words
        set -- $rest
        pid=${stat#/proc/}
        echo "${pid%/stat} $2"
    done)
    queue=$1
    while [ -n "$queue" ]; do
        # shellcheck disable=SC2086 # pids are words
        set -- $queue
        current=$1
        shift
        queue="$*"
        for child in $(awk -v p="$current" '$2 == p {print $1}' <<<"$table"); do
            found="$found $child"
            queue="$queue $child"
        done
    done
    echo "${found# }"
}

down() {
    local began end pid children
    began=$(date +%s.%N)
    [ -d "$dir" ] || { say "no $dir: nothing to stop"; return 0; }
    take_lock
    if running munged && running slurmctld; then
        if [ "$(jobs_not_ended)" -gt 0 ]; then
            client scancel --partition=debug
            # KillWait=5: a job that ignores SIGTERM gets SIGKILL 5 s later.
            end=$(( $(date +%s) + deadline_seconds ))
            while running slurmd && [ "$(jobs_not_ended)" -gt 0 ]; do
                [ "$(date +%s)" -lt "$end" ] || { say "jobs still not ended after ${deadline_seconds}s"; break; }
                sleep 0.2
            done
        fi
    fi
    stop_daemon slurmd
    stop_daemon slurmctld
    for pid in $(leftover_stepds); do
        children=$(subtree "$pid")
        say "stopping slurmstepd $pid left by a dead slurmd, and its processes:${children:- none}"
        # shellcheck disable=SC2086 # pids are words
        kill -KILL "$pid" $children 2>/dev/null
    done
    stop_daemon munged
    say "down in $(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN {printf "%.2f", b - a}')s"
}

status() {
    local count=0 name pid
    for name in munged slurmctld slurmd; do
        if pid=$(daemon_pid "$name"); then
            count=$((count + 1))
            echo "$name: running (pid $pid)"
        else
            echo "$name: stopped"
        fi
    done
    if running munged && running slurmctld; then
        echo "node: $node $(node_state)"
        echo "jobs not ended: $(jobs_not_ended)"
    fi
    echo "SLURM_CONF=$conf"
    [ $count = 3 ] && return 0
    [ $count = 0 ] && return 3
    return 1
}

case "$verb" in
    up) up ;;
    down) down ;;
    status) status ;;
    env) echo "export SLURM_CONF=$conf" ;;
    *) fail "unknown verb $verb (up, down, status or env)" ;;
esac
