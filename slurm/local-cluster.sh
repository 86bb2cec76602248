#!/bin/bash
# local-cluster.sh: a real single-node Slurm (Debian's munge + slurmctld + slurmd) on localhost,
# started by hand as root, without systemd. For trying `sbatch`, `srun --mpi=pmix`, signals and
# requeue on one machine exactly as on a cluster.
#
#   bash slurm/local-cluster.sh start     install what is missing, write the config, start all
#   bash slurm/local-cluster.sh stop      stop the three daemons (by pid file)
#   bash slurm/local-cluster.sh status    daemon states and sinfo; exit 0 if up, 3 if down
#   bash slurm/local-cluster.sh restart   stop, then start (rewrites the config)
#
# Every command is idempotent: start when up and stop when down do nothing and exit 0.
# Exit statuses: 0 ok, 1 failure (message on stderr), 2 usage, 3 (status only) cluster down.
set -euo pipefail

# ---- knobs: name, default, meaning (environment variables) ---------------------------------------
STATE_DIR=${SETHLAB_SLURM_STATE_DIR:-/var/lib/sethlab-slurm}  # spool, state, logs of the daemons
CONF_DIR=${SETHLAB_SLURM_CONF_DIR:-/etc/slurm}                 # where clients look for slurm.conf
START_TIMEOUT=${SETHLAB_SLURM_START_TIMEOUT:-30}               # s to wait for the node to be idle
STOP_TIMEOUT=${SETHLAB_SLURM_STOP_TIMEOUT:-20}                 # s to wait for a daemon to exit
KILL_WAIT=${SETHLAB_SLURM_KILL_WAIT:-30}                       # s from SIGTERM to SIGKILL on cancel
TAKE_OVER=${SETHLAB_SLURM_TAKE_OVER:-0}                        # 1: back up a foreign slurm.conf

CONF=$CONF_DIR/slurm.conf
export SLURM_CONF=$CONF # for this script's own sinfo/scontrol calls
MARKER='# Written by sethlab slurm/local-cluster.sh; it rewrites this file on start.'
BACKUP=$CONF.pre-sethlab
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_DIR=/run/munge
MUNGE_PID=$MUNGE_DIR/munged.pid
MUNGE_KEY=/etc/munge/munge.key
PACKAGES=(slurmctld slurmd slurm-client munge)

say() { printf 'local-cluster: %s\n' "$*"; }
die() { printf 'local-cluster: error: %s\n' "$*" >&2; exit 1; }

check_knobs() {
  local name value
  for name in START_TIMEOUT STOP_TIMEOUT KILL_WAIT; do
    value=${!name}
    [[ $value =~ ^[0-9]+$ && $value -ge 1 && $value -le 3600 ]] ||
      die "SETHLAB_SLURM_$name=$value: must be an integer in [1, 3600] seconds"
  done
  [[ $TAKE_OVER == 0 || $TAKE_OVER == 1 ]] ||
    die "SETHLAB_SLURM_TAKE_OVER=$TAKE_OVER: must be 0 or 1"
}

# ---- processes ---------------------------------------------------------------------------------
# pid_alive FILE COMM: the pid in FILE is a live process whose name is COMM (guards against a stale
# pid file whose number was reused by something else).
pid_alive() {
  local file=$1 comm=$2 pid
  [[ -r $file ]] || return 1
  pid=$(tr -dc '0-9' <"$file")
  [[ -n $pid ]] && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]
}
pid_of() { tr -dc '0-9' <"$1"; }

# already_running NAME PIDFILE COMM: says so and succeeds when the daemon runs.
already_running() {
  pid_alive "$2" "$3" || return 1
  say "$1: already running (pid $(pid_of "$2"))"
}

# stop_daemon NAME PIDFILE COMM: SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL.
stop_daemon() {
  local name=$1 file=$2 comm=$3 pid i
  if ! pid_alive "$file" "$comm"; then
    rm -f "$file"
    say "$name: not running"
    return 0
  fi
  pid=$(pid_of "$file")
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    [[ -d /proc/$pid ]] || break
    sleep 0.2
  done
  if [[ -d /proc/$pid ]]; then
    say "$name: still running after ${STOP_TIMEOUT}s, sending SIGKILL to $pid"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$file"
  say "$name: stopped (pid $pid)"
}

# ---- installation ------------------------------------------------------------------------------
package_installed() {
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null) == installed ]]
}

install_packages() {
  local missing=() p
  for p in "${PACKAGES[@]}"; do package_installed "$p" || missing+=("$p"); done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]}"
  # Keep the packages' own init scripts from starting daemons with a config that is not ours
  # (policy-rc.d exit 101 = "action not allowed"); only when no policy is in place already.
  local policy=/usr/sbin/policy-rc.d placed=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from sethlab slurm/local-cluster.sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    placed=1
  fi
  local rc=0
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
      --no-install-recommends "${missing[@]}"; } || rc=$?
  ((placed)) && rm -f "$policy"
  ((rc == 0)) || die "apt-get install ${missing[*]} failed (status $rc)"
}

# ---- configuration -----------------------------------------------------------------------------
# node_hardware: "CPUs=2 Boards=1 ... RealMemory=7936" from `slurmd -C`, NodeName dropped.
node_hardware() {
  local line
  line=$(slurmd -C 2>/dev/null | grep -m1 '^NodeName=') ||
    die "slurmd -C printed no NodeName line; cannot size the node"
  line=${line#NodeName=* }
  [[ $line == *CPUs=* && $line == *RealMemory=* ]] || die "unexpected \`slurmd -C\` output: $line"
  printf '%s\n' "$line"
}

render_conf() {
  local hw
  hw=$(node_hardware)
  cat <<EOF
$MARKER
# Single-node cluster for trying sethlab's batch scripts; see slurm/README.md.
ClusterName=local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=pmix
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=$KILL_WAIT
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=$STATE_DIR/ctld
SlurmdSpoolDir=$STATE_DIR/slurmd
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$STATE_DIR/log/slurmctld.log
SlurmdLogFile=$STATE_DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

# write_conf: (re)write $CONF unless it belongs to someone else. Prints nothing when unchanged.
write_conf() {
  local new
  new=$(render_conf)
  mkdir -p "$CONF_DIR" "$STATE_DIR"/{ctld,slurmd,log}
  if [[ -e $CONF ]] && ! grep -qxF "$MARKER" "$CONF"; then
    if [[ $TAKE_OVER != 1 ]]; then
      die "$CONF exists and was not written by this script; not touching it.
  Move it away, or rerun with SETHLAB_SLURM_TAKE_OVER=1 to back it up to $BACKUP and replace it."
    fi
    if [[ -e $BACKUP ]]; then
      die "$CONF is foreign and the backup $BACKUP already exists; move one of them away first"
    fi
    cp -p "$CONF" "$BACKUP"
    say "backed up the foreign $CONF to $BACKUP"
  fi
  if [[ -e $CONF ]] && [[ $(cat "$CONF") == "$new" ]]; then return 0; fi
  printf '%s\n' "$new" >"$CONF.tmp.$$"
  chmod 0644 "$CONF.tmp.$$"
  mv -f "$CONF.tmp.$$" "$CONF"
  say "wrote $CONF"
  return 0
}

# ---- munge -------------------------------------------------------------------------------------
start_munge() {
  already_running munged "$MUNGE_PID" munged && return 0
  id munge >/dev/null 2>&1 || die "no user 'munge'; is the munge package installed?"
  mkdir -p /etc/munge /var/lib/munge /var/log/munge "$MUNGE_DIR"
  chown munge:munge /etc/munge /var/lib/munge /var/log/munge "$MUNGE_DIR"
  chmod 0700 /etc/munge /var/lib/munge /var/log/munge
  chmod 0755 "$MUNGE_DIR"
  if [[ ! -s $MUNGE_KEY ]]; then
    say "creating $MUNGE_KEY"
    if command -v mungekey >/dev/null; then
      mungekey --create --keyfile="$MUNGE_KEY" --force
    else
      dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none
    fi
  fi
  chown munge:munge "$MUNGE_KEY"
  chmod 0400 "$MUNGE_KEY"
  rm -f "$MUNGE_PID"
  runuser -u munge -- /usr/sbin/munged --pid-file="$MUNGE_PID" ||
    die "munged failed to start; see /var/log/munge/munged.log"
  local i
  for ((i = 0; i < 50; i++)); do
    munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
    sleep 0.1
  done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 ||
    die "munged started but a munge/unmunge round trip fails; see /var/log/munge/munged.log"
  say "munged: started (pid $(pid_of "$MUNGE_PID"))"
}

# ---- slurm daemons -----------------------------------------------------------------------------
start_slurmctld() {
  already_running slurmctld "$CTLD_PID" slurmctld && return 0
  rm -f "$CTLD_PID"
  slurmctld -f "$CONF" || die "slurmctld failed to start; see $STATE_DIR/log/slurmctld.log"
  local i
  for ((i = 0; i < 50; i++)); do
    scontrol ping 2>/dev/null | grep -q 'is UP' && break
    sleep 0.2
  done
  scontrol ping 2>/dev/null | grep -q 'is UP' ||
    die "slurmctld does not answer ping; last lines of $STATE_DIR/log/slurmctld.log:
$(tail -n 15 "$STATE_DIR/log/slurmctld.log" 2>/dev/null)"
  say "slurmctld: started (pid $(pid_of "$CTLD_PID"))"
}

start_slurmd() {
  already_running slurmd "$SLURMD_PID" slurmd && return 0
  rm -f "$SLURMD_PID"
  slurmd -f "$CONF" -N localhost || die "slurmd failed to start; see $STATE_DIR/log/slurmd.log"
  local i
  for ((i = 0; i < 25; i++)); do
    [[ -s $SLURMD_PID ]] && break
    sleep 0.2
  done
  pid_alive "$SLURMD_PID" slurmd ||
    die "slurmd exited at once; last lines of $STATE_DIR/log/slurmd.log:
$(tail -n 15 "$STATE_DIR/log/slurmd.log" 2>/dev/null)"
  say "slurmd: started (pid $(pid_of "$SLURMD_PID"))"
}

node_state() { sinfo -h -N -n localhost -o '%T' 2>/dev/null | head -n1; }

# wait_node_up: until the node takes jobs (idle, or busy with jobs already), resuming it if it is
# drained or down (e.g. left so by an earlier run whose RealMemory was wrong).
wait_node_up() {
  local deadline=$((SECONDS + START_TIMEOUT)) state resumed=0
  while :; do
    state=$(node_state)
    case $state in
      idle | mixed | allocated | completing) say "node localhost: $state"; return 0 ;;
      drained* | draining* | down*)
        # a trailing '*' (not responding) means slurmd has not registered yet: wait for it
        if [[ $state != *'*' ]] && ((resumed == 0)); then
          local reason
          reason=$(sinfo -h -N -n localhost -o '%E' 2>/dev/null | head -n1)
          say "node localhost is $state (reason: ${reason:-none}); resuming it"
          scontrol update nodename=localhost state=resume || true
          resumed=1
        fi ;;
    esac
    if ((SECONDS >= deadline)); then
      die "node localhost is not idle after ${START_TIMEOUT}s (state: '${state:-unknown}').
  sinfo: $(sinfo -N -l 2>&1 | tail -n +2 | tr '\n' ' ')
  last lines of $STATE_DIR/log/slurmd.log:
$(tail -n 10 "$STATE_DIR/log/slurmd.log" 2>/dev/null)"
    fi
    sleep 0.5
  done
}

# ---- commands ----------------------------------------------------------------------------------
cmd_start() {
  local t0=$SECONDS up=1
  pid_alive "$MUNGE_PID" munged && pid_alive "$CTLD_PID" slurmctld &&
    pid_alive "$SLURMD_PID" slurmd || up=0
  if ((up)); then
    # Everything runs: do not rewrite the config under live daemons, only say if it is stale.
    if [[ -e $CONF ]] && grep -qxF "$MARKER" "$CONF" &&
      [[ $(render_conf) != "$(cat "$CONF")" ]]; then
      say "note: $CONF differs from what this script would write now; 'restart' applies it"
    fi
    say "already running"
    wait_node_up
    return 0
  fi
  install_packages
  if pid_alive "$CTLD_PID" slurmctld; then
    say "slurmctld runs: leaving $CONF as it is ('restart' rewrites it)"
  else
    write_conf
  fi
  start_munge
  start_slurmctld
  start_slurmd
  wait_node_up
  say "up in $((SECONDS - t0))s; try: sinfo; sbatch --wait slurm/example-demo.sbatch"
}

cmd_stop() {
  # slurmd first (it holds the jobs' steps), then the controller, then munge.
  stop_daemon slurmd "$SLURMD_PID" slurmd
  stop_daemon slurmctld "$CTLD_PID" slurmctld
  stop_daemon munged "$MUNGE_PID" munged
}

cmd_status() {
  local up=1 name file comm
  local spec
  for spec in "munged:$MUNGE_PID:munged" "slurmctld:$CTLD_PID:slurmctld" \
    "slurmd:$SLURMD_PID:slurmd"; do
    IFS=: read -r name file comm <<<"$spec"
    if pid_alive "$file" "$comm"; then
      printf '%-10s running (pid %s)\n' "$name" "$(pid_of "$file")"
    else
      printf '%-10s stopped\n' "$name"
      up=0
    fi
  done
  printf 'config     %s\n' "$([[ -e $CONF ]] && echo "$CONF" || echo "none ($CONF absent)")"
  if pid_alive "$CTLD_PID" slurmctld; then
    sinfo 2>&1 || up=0
    squeue 2>&1 || true
    [[ $(node_state) =~ ^(idle|mixed|allocated|completing)$ ]] || up=0
  fi
  if ((up)); then echo "cluster: up"; return 0; fi
  echo "cluster: down"
  return 3
}

usage() {
  sed -n '2,12s/^# \{0,1\}//p' "$0"
}

main() {
  (($# == 1)) || { usage >&2; exit 2; }
  case $1 in
    start | stop | status | restart) ;;
    -h | --help | help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
  check_knobs
  [[ $(id -u) == 0 ]] || die "must run as root (it starts munged, slurmctld and slurmd)"
  case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    restart) cmd_stop; cmd_start ;;
  esac
}

main "$@"
