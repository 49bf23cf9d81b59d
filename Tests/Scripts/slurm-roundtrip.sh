#!/usr/bin/env bash
# The real Slurm round trip of `thermo sweep --slurm --submit`: starts a single-node Slurm on this machine
# (Debian's slurmctld, slurmd and munged, configured on free localhost ports in a temporary folder, run as root),
# runs a 2-cell sweep through it, checks both cells' summaries, and stops the daemons again, always (trap).
#
#   THERMO=.build/debug/thermo THERMO_MNIST=../shared/data/mnist bash Tests/Scripts/slurm-roundtrip.sh
#
# Exit status: 0 passed; 77 skipped (not root, or slurm-wlm and munge cannot be installed; the reason is printed
# on a line starting with SKIP:); anything else failed. THERMO_SKIP_SLURM=1 skips it on purpose.
set -euo pipefail

skip() { echo "SKIP: $*"; exit 77; }
say() { echo "slurm-roundtrip: $*"; }
started=$SECONDS

[ "${THERMO_SKIP_SLURM:-}" = "1" ] && skip "THERMO_SKIP_SLURM=1"
THERMO=${THERMO:?set THERMO to the thermo binary}
MNIST=${THERMO_MNIST:?set THERMO_MNIST to the MNIST folder}
[ -x "$THERMO" ] || { echo "slurm-roundtrip: $THERMO is not an executable" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || skip "the Slurm round trip runs its daemons as root; run the tests as root"

# 1. The packages: Debian's slurm-wlm (slurmctld, slurmd, clients) and munge.
have_all() { command -v slurmctld && command -v slurmd && command -v sbatch && command -v munged; } >/dev/null 2>&1
if ! have_all; then
  command -v apt-get >/dev/null 2>&1 || skip "slurm-wlm and munge are not installed and there is no apt-get to install them"
  say "installing slurm-wlm and munge with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends slurm-wlm munge >/tmp/thermo-slurm-apt.log 2>&1; then
    apt-get update -q >>/tmp/thermo-slurm-apt.log 2>&1 || true
    apt-get install -y -q --no-install-recommends slurm-wlm munge >>/tmp/thermo-slurm-apt.log 2>&1 \
      || skip "apt-get cannot install slurm-wlm and munge here (see /tmp/thermo-slurm-apt.log)"
  fi
  have_all || skip "slurm-wlm and munge were installed but slurmctld, slurmd, sbatch or munged is missing"
fi

# 2. A private cluster in a temporary folder.
T=$(mktemp -d /tmp/thermo-slurm.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  munged --stop --socket="$T/munge/munge.socket" >/dev/null 2>&1 || true
  if [ -f "$T/munge/munged.pid" ]; then kill "$(cat "$T/munge/munged.pid")" 2>/dev/null || true; fi
  for _ in $(seq 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ $status -ne 0 ] && [ $status -ne 77 ]; then
    for f in "$T"/log/*; do [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done
  fi
  rm -rf "$T"
  say "daemons stopped after $((SECONDS - started)) s (exit status $status)"
}
trap cleanup EXIT

free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "slurm-roundtrip: no free port found" >&2; return 1
}
ctld_port=$(free_port)
d_port=$(free_port)
while [ "$d_port" = "$ctld_port" ]; do d_port=$(free_port); done
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/log"
chmod 755 "$T" "$T/munge"

if command -v mungekey >/dev/null 2>&1; then
  mungekey --create --keyfile="$T/munge/munge.key" --force
else
  dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
fi
chmod 600 "$T/munge/munge.key"
munged --force --socket="$T/munge/munge.socket" --key-file="$T/munge/munge.key" --log-file="$T/log/munged.log" \
  --pid-file="$T/munge/munged.pid" --seed-file="$T/munge/munged.seed"

cpus=$(nproc)
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.8) }' /proc/meminfo)
cat > "$T/slurm.conf" <<CONF
ClusterName=thermotest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$T/slurm.conf"

slurmctld -D -i -f "$T/slurm.conf" >"$T/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$T/slurm.conf" >"$T/log/slurmd.out" 2>&1 &
pids+=($!)
say "slurmctld on 127.0.0.1:$ctld_port, slurmd on :$d_port, $cpus CPUs; waiting for the node"
state=""
for _ in $(seq 60); do
  state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
  [ "$state" = "idle" ] && break
  sleep 0.5
done
[ "$state" = "idle" ] || { echo "slurm-roundtrip: the node never became idle (state '$state')" >&2; exit 1; }

# 3. A 2-cell sweep through Slurm, in a folder whose name needs quoting.
sweep="$T/it's a sweep"
"$THERMO" sweep --grid 'seed = 1 | 2' -o "$sweep" --slurm --submit --time 00:05:00 --mem 500M --job-name thermo-roundtrip \
  -- --data "$MNIST" --train-subset 500 --layers 784,32,10 --epochs 1 --lr 0.05 --batch-size 64
grep -q -- '--array=0-1' "$sweep/sweep.sbatch" || { echo "slurm-roundtrip: the script has no --array=0-1" >&2; exit 1; }

say "waiting for the job array to drain"
for _ in $(seq 180); do
  [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h -o %i)" ] || { echo "slurm-roundtrip: jobs still queued after 90 s:" >&2; squeue >&2; exit 1; }

# 4. Both cells completed, as the summary step sees them.
"$THERMO" sweep --summary "$sweep" --cells
csv=$("$THERMO" sweep --summary "$sweep" --cells --format csv)
completed=$(printf '%s\n' "$csv" | grep -c ',completed,' || true)
[ "$completed" -eq 2 ] || { echo "slurm-roundtrip: $completed of 2 cells completed" >&2; cat "$sweep"/slurm/* "$sweep"/cells/*/log.txt >&2 || true; exit 1; }
for f in "$sweep"/cells/*/summary.json; do grep -q '"status" : "completed"' "$f"; done
ls "$sweep"/slurm/*_0.out "$sweep"/slurm/*_1.out >/dev/null
say "passed: 2 cells completed through Slurm in $((SECONDS - started)) s"
