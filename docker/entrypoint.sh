#!/usr/bin/env bash
# Container entrypoint: brings the image's UIs into the workspace, joins the tailnet (when the hub passed a
# Tailscale auth key), then runs the PodPilot agent, restarts it (bounded) when it dies on its own, and keeps
# the tailnet up until the agent has finished, final output sync included.
# See docs/images.md ("The entrypoint") and docs/security.md ("In the container").
#
# Environment (all optional):
#   PODPILOT_WORKSPACE           the agent's workspace, the kept disk (default /workspace)
#   PODPILOT_UI_SEED_DIR         UIs installed in the image; each folder is copied to <workspace>/<folder>
#                                when that does not exist yet (default /opt/podpilot/ui; missing: nothing)
#   TS_AUTHKEY, TS_HOSTNAME      join the tailnet with this key, as this node name (default podpilot-agent)
#   PODPILOT_TS_PROXY_PORT       tailscaled's local SOCKS5/HTTP proxy port (default 1055)
#   PODPILOT_TS_STATE_DIR        tailscaled's state (default <workspace>/.podpilot/tailscale)
#   PODPILOT_TS_RUN_DIR          tailscaled's socket (default /tmp/tailscale)
#   PODPILOT_TS_UP_ATTEMPTS      tries of `tailscale up` (default 10)
#   PODPILOT_TS_UP_TIMEOUT       `tailscale up` timeout when rejoining with the kept state (default 30s)
#   PODPILOT_AGENT_CMD           the agent command (default `podpilot agent`)
#   PODPILOT_AGENT_RESTARTS      restarts of an agent that died on its own, within the window (default 5)
#   PODPILOT_AGENT_RESTART_WINDOW_SECONDS       restarts older than this no longer count (default 600)
#   PODPILOT_AGENT_RESTART_BACKOFF_SECONDS      wait before the first restart, doubled each time (default 1)
#   PODPILOT_AGENT_RESTART_BACKOFF_MAX_SECONDS  the longest wait (default 30)
set -euo pipefail

workspace="${PODPILOT_WORKSPACE:-/workspace}"
ts_pid=''
agent_pid=''
stop_signal=''

stop_tailscaled() {
  if [[ -n $ts_pid ]]; then
    kill -TERM "$ts_pid" 2>/dev/null || true
    wait "$ts_pid" 2>/dev/null || true
    ts_pid=''
  fi
}

# A stop that comes before the agent runs: nothing to sync yet, just do not leave tailscaled behind.
trap 'stop_tailscaled; exit 143' TERM
trap 'stop_tailscaled; exit 130' INT

# The image installs each UI under the seed dir, because a volume mounted on the workspace hides whatever the
# image put there. A UI folder already in the workspace is the user's (their files, maybe a newer ref): it is
# never touched. The copy goes to a temporary name on the same disk and is renamed, so a container killed
# mid-copy leaves no half UI behind (the next start removes the leftover and copies again).
seed_uis() {
  local seed="${PODPILOT_UI_SEED_DIR:-/opt/podpilot/ui}" staging="$workspace/.podpilot/ui-seeding" src name
  [[ -d $seed ]] || return 0
  rm -rf "$staging"
  for src in "$seed"/*/; do
    [[ -d $src ]] || continue # no folder at all: the pattern itself
    name="$(basename "$src")"
    [[ -e $workspace/$name || -L $workspace/$name ]] && continue
    mkdir -p "$staging"
    # -a keeps owners (podpilot in the image), modes, times and a checkout's .git, so its commit is in place.
    if cp -a "${src%/}" "$staging/$name" && mv -T "$staging/$name" "$workspace/$name"; then
      echo "entrypoint: copied $name from $seed into $workspace"
    else
      # Not fatal: the agent fetches the UI itself, as without the image.
      echo "entrypoint: could not copy $name from $seed into $workspace; the agent will fetch it" >&2
    fi
  done
  rm -rf "$staging"
}
seed_uis

if [[ -n ${TS_AUTHKEY:-} ]]; then
  port="${PODPILOT_TS_PROXY_PORT:-1055}"
  # tailscaled's state (the node's identity) lives on the kept disk, so a started or restarted container is
  # the same tailnet node and rejoins without a key: the launch's key is single-use and spent by then. The
  # socket stays off that disk (a volume need not hold sockets).
  state_dir="${PODPILOT_TS_STATE_DIR:-$workspace/.podpilot/tailscale}"
  run_dir="${PODPILOT_TS_RUN_DIR:-/tmp/tailscale}"
  socket="$run_dir/tailscaled.sock"
  joined_marker="$state_dir/podpilot-joined"
  mkdir -p "$state_dir" "$run_dir"
  chmod 700 "$state_dir"
  # No TUN device and no NET_ADMIN in a rented container: userspace networking, and the tailnet is reached
  # through tailscaled's local proxy.
  tailscaled --tun=userspace-networking --statedir="$state_dir" --socket="$socket" \
    --socks5-server="localhost:$port" --outbound-http-proxy-listen="localhost:$port" &
  ts_pid=$!

  if [[ -f $joined_marker ]]; then
    # Joined before with this state: log in with the kept identity (bounded: a deleted node would wait for
    # an interactive login forever).
    up_args=(--timeout="${PODPILOT_TS_UP_TIMEOUT:-30s}")
  else
    up_args=(--authkey="$TS_AUTHKEY")
  fi
  # tailscaled needs a moment before its socket answers; a bounded number of tries, then give up.
  joined=0
  for ((attempt = 1; attempt <= ${PODPILOT_TS_UP_ATTEMPTS:-10}; attempt++)); do
    # --ssh: Tailscale SSH for the owner (the policy's ssh rule); given on every `up`, as tailscale refuses an
    # `up` that leaves out a setting made before.
    if tailscale --socket="$socket" up "${up_args[@]}" --hostname="${TS_HOSTNAME:-podpilot-agent}" --ssh; then
      joined=1
      break
    fi
    echo "entrypoint: tailscale up failed (attempt $attempt), retrying" >&2
    sleep 2
  done
  if ((joined == 0)); then
    if [[ -f $joined_marker ]]; then
      echo "entrypoint: could not rejoin the tailnet with the kept state in $state_dir" >&2
    else
      echo "entrypoint: could not join the tailnet" >&2
    fi
    stop_tailscaled
    exit 1
  fi
  touch "$joined_marker"

  # Every hub call goes through tailscaled's proxy; the key is spent and must not reach the WebUI.
  export PODPILOT_HUB_PROXY="http://localhost:$port"
  unset TS_AUTHKEY
fi

# A stop (SIGTERM/SIGINT) goes to the agent, which does its final sync; it also ends the restarts.
forward() {
  stop_signal="$1"
  if [[ -n $agent_pid ]]; then kill -"$1" "$agent_pid" 2>/dev/null || true; fi
}
trap 'forward TERM' TERM
trap 'forward INT' INT

# Runs the agent once and sets agent_status. A child rather than exec: tailscaled must outlive the agent,
# whose final sync on SIGTERM needs the tailnet; and a dead agent is started again.
read -r -a agent_cmd <<<"${PODPILOT_AGENT_CMD:-podpilot agent}"
run_agent() {
  "${agent_cmd[@]}" &
  agent_pid=$!
  # A stop that came between the decision to start and the pid being known.
  if [[ -n $stop_signal ]]; then forward "$stop_signal"; fi
  # `wait` returns early when a trapped signal arrives: keep waiting while the agent is still running.
  # (Its stderr is bash's own "Killed" notice; how_it_ended says it in one line.)
  while kill -0 "$agent_pid" 2>/dev/null; do
    wait "$agent_pid" 2>/dev/null || true
  done
  # The agent has been reaped; bash keeps its exit status for this last wait.
  agent_status=0
  wait "$agent_pid" 2>/dev/null || agent_status=$?
  agent_pid=''
}

how_it_ended() {
  if ((agent_status > 128 && agent_status < 128 + 65)); then
    echo "killed by SIG$(kill -l "$agent_status")"
  else
    echo "exited with status $agent_status"
  fi
}

# An agent that dies on its own (a crash, kill -9, out of memory) is started again after a backoff, at most
# max_restarts times within the window: a crash costs nothing on the disk (outputs not yet synced), and a
# container that keeps failing still ends (the hub then sees it exited). Exit 0 and a stop are final.
max_restarts="${PODPILOT_AGENT_RESTARTS:-5}"
window="${PODPILOT_AGENT_RESTART_WINDOW_SECONDS:-600}"
restarts_at=() # $SECONDS of each restart still in the window
backoff() {
  awk -v first="${PODPILOT_AGENT_RESTART_BACKOFF_SECONDS:-1}" -v n="$1" \
    -v cap="${PODPILOT_AGENT_RESTART_BACKOFF_MAX_SECONDS:-30}" \
    'BEGIN { d = first * 2 ^ (n - 1); print (d > cap ? cap : d) }'
}

while true; do
  run_agent
  if [[ -n $stop_signal || $agent_status -eq 0 ]]; then break; fi
  recent=()
  for at in "${restarts_at[@]}"; do
    if ((SECONDS - at < window)); then recent+=("$at"); fi
  done
  restarts_at=("${recent[@]}")
  if ((${#restarts_at[@]} >= max_restarts)); then
    echo "entrypoint: agent $(how_it_ended); giving up after $max_restarts restarts in ${window}s" >&2
    break
  fi
  restarts_at+=("$SECONDS")
  attempt=${#restarts_at[@]}
  delay="$(backoff "$attempt")"
  echo "entrypoint: agent $(how_it_ended); restart $attempt of $max_restarts in ${delay}s" >&2
  # In the background so that a stop cuts the wait short (`wait` returns on a trapped signal).
  sleep "$delay" &
  sleep_pid=$!
  if [[ -z $stop_signal ]]; then wait "$sleep_pid" || true; fi
  kill "$sleep_pid" 2>/dev/null || true
  if [[ -n $stop_signal ]]; then break; fi
done

stop_tailscaled
exit "$agent_status"
