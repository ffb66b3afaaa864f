#!/usr/bin/env bash
# Container entrypoint: gives a root-owned workspace volume to the podpilot user, brings the image's UIs into
# the workspace, joins the tailnet (when the hub passed a Tailscale auth key), then runs the PodPilot agent,
# restarts it (bounded) when it dies on its own, and keeps the tailnet up until the agent has finished, final
# output sync included. A stop (SIGTERM/SIGINT) is honoured at any moment: every step before the agent runs
# in the background and is waited for, so the trap runs at once; every network step has a deadline.
# The commands it starts itself (cp, chown, tailscaled, tailscale, sleep) get a minimal environment: no
# provider key (CONTAINER_API_KEY, RUNPOD_API_KEY), no Tailscale key, no hub token. The agent gets the
# environment minus TS_AUTHKEY (it needs the provider keys for its self-stop; it filters the WebUI's).
# See docs/images.md ("The entrypoint") and docs/security.md ("In the container").
#
# Environment (all optional):
#   PODPILOT_WORKSPACE           the agent's workspace, the kept disk (default /workspace)
#   PODPILOT_UI_SEED_DIR         UIs installed in the image; each folder is copied to <workspace>/<folder>
#                                when that does not exist yet (default /opt/podpilot/ui; missing: nothing)
#   PODPILOT_UID, PODPILOT_GID   the user the image's files belong to (default 1000, 1000): a workspace
#                                owned by anyone else is given to them when the entrypoint runs as root
#   TS_AUTHKEY, TS_HOSTNAME      join the tailnet with this key, as this node name (default podpilot-agent)
#   PODPILOT_TS_PROXY_PORT       tailscaled's local SOCKS5/HTTP proxy port (default 1055)
#   PODPILOT_TS_STATE_DIR        tailscaled's state (default <workspace>/.podpilot/tailscale)
#   PODPILOT_TS_RUN_DIR          tailscaled's socket (default /tmp/tailscale)
#   PODPILOT_TS_UP_ATTEMPTS      tries of `tailscale up` (default 10)
#   PODPILOT_TS_UP_TIMEOUT       `tailscale up` timeout when rejoining with the kept state (default 30s)
#   PODPILOT_TS_JOIN_TIMEOUT_SECONDS  deadline for joining the tailnet, all tries together (default 120)
#   PODPILOT_AGENT_CMD           the agent command (default `podpilot agent`)
#   PODPILOT_AGENT_RESTARTS      restarts of an agent that died on its own, within the window (default 5)
#   PODPILOT_AGENT_RESTART_WINDOW_SECONDS       restarts older than this no longer count (default 600)
#   PODPILOT_AGENT_RESTART_BACKOFF_SECONDS      wait before the first restart, doubled each time (default 1)
#   PODPILOT_AGENT_RESTART_BACKOFF_MAX_SECONDS  the longest wait (default 30)
set -euo pipefail

workspace="${PODPILOT_WORKSPACE:-/workspace}"
ts_pid=''
step_pid=''
agent_pid=''
stop_signal=''

# The commands the entrypoint starts itself see only this: no provider key, no Tailscale key, no hub token.
# (An array, not a function: `"${plain_env[@]}" cmd &` is then cmd's own pid, which a stop can signal.)
plain_env=(env -i PATH="$PATH" HOME="${HOME:-/root}" LANG="${LANG:-C.UTF-8}" TZ="${TZ:-Etc/UTC}")

stop_tailscaled() {
  if [[ -n $ts_pid ]]; then
    kill -TERM "$ts_pid" 2>/dev/null || true
    wait "$ts_pid" 2>/dev/null || true
    ts_pid=''
  fi
}

# A stop that comes before the agent runs: nothing to sync yet; end the step under way (a copy, a
# `tailscale up`, a wait) and tailscaled, and exit.
stop_early() {
  if [[ -n $step_pid ]]; then kill -TERM "$step_pid" 2>/dev/null || true; fi
  stop_tailscaled
  echo "entrypoint: stopped (SIG$1) before the agent started" >&2
  exit "$2"
}
trap 'stop_early TERM 143' TERM
trap 'stop_early INT 130' INT

# Runs one step in the background with plain_env and waits for it: bash runs a trap only between commands,
# so a step in the foreground (a hanging `tailscale up`) would hold a stop until it ends.
step() {
  "${plain_env[@]}" "$@" &
  step_pid=$!
  local status=0
  wait "$step_pid" || status=$?
  step_pid=''
  return "$status"
}

# Providers mount their volume at the workspace owned by root, while the image's files (and a UI run with
# `--user 1000:1000`) are the podpilot user's. Run as root, the entrypoint gives the volume's top folder and
# the agent's state folder to that user; their contents are left alone (a big volume takes long to walk,
# and whatever the image or the agent puts there already has the right owner).
fix_workspace_owner() {
  local uid="${PODPILOT_UID:-1000}" gid="${PODPILOT_GID:-1000}" dir owner
  [[ $(id -u) == 0 ]] || return 0
  mkdir -p "$workspace/.podpilot"
  for dir in "$workspace" "$workspace/.podpilot"; do
    owner="$(stat -c %u:%g "$dir")"
    [[ $owner == "$uid:$gid" ]] && continue
    if step chown "$uid:$gid" "$dir"; then
      echo "entrypoint: gave $dir to $uid:$gid (it belonged to $owner)"
    else
      echo "entrypoint: could not give $dir to $uid:$gid; a UI run as that user cannot write there" >&2
    fi
  done
}
fix_workspace_owner

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
    if step cp -a "${src%/}" "$staging/$name" && step mv -T "$staging/$name" "$workspace/$name"; then
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
  "${plain_env[@]}" tailscaled --tun=userspace-networking --statedir="$state_dir" --socket="$socket" \
    --socks5-server="localhost:$port" --outbound-http-proxy-listen="localhost:$port" &
  ts_pid=$!

  if [[ -f $joined_marker ]]; then
    # Joined before with this state: log in with the kept identity (bounded: a deleted node would wait for
    # an interactive login forever).
    up_args=(--timeout="${PODPILOT_TS_UP_TIMEOUT:-30s}")
  else
    up_args=(--authkey="$TS_AUTHKEY")
  fi
  # tailscaled needs a moment before its socket answers, and the control server may be slow or unreachable:
  # a bounded number of tries, all within one deadline (`timeout` ends a `tailscale up` that would outlast
  # it), then give up with a message that says so.
  join_timeout="${PODPILOT_TS_JOIN_TIMEOUT_SECONDS:-120}"
  deadline=$((SECONDS + join_timeout))
  joined=0
  attempt=0
  while ((attempt < ${PODPILOT_TS_UP_ATTEMPTS:-10} && SECONDS < deadline)); do
    attempt=$((attempt + 1))
    # --ssh: Tailscale SSH for the owner (the policy's ssh rule); given on every `up`, as tailscale refuses an
    # `up` that leaves out a setting made before.
    up_status=0
    step timeout --kill-after=5 "$((deadline - SECONDS))" tailscale --socket="$socket" up "${up_args[@]}" \
      --hostname="${TS_HOSTNAME:-podpilot-agent}" --ssh || up_status=$?
    if ((up_status == 0)); then
      joined=1
      break
    elif ((up_status == 124 || up_status == 137)); then
      echo "entrypoint: tailscale up did not finish within ${join_timeout}s (attempt $attempt)" >&2
    else
      echo "entrypoint: tailscale up failed (attempt $attempt), retrying" >&2
    fi
    if ((SECONDS + 2 < deadline)); then step sleep 2; else break; fi
  done
  if ((joined == 0)); then
    if [[ -f $joined_marker ]]; then
      echo "entrypoint: could not rejoin the tailnet with the kept state in $state_dir" >&2
    else
      echo "entrypoint: could not join the tailnet within ${join_timeout}s ($attempt attempts):" \
        "is the Tailscale control server reachable from this host, and the auth key valid?" >&2
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
  "${plain_env[@]}" sleep "$delay" &
  sleep_pid=$!
  if [[ -z $stop_signal ]]; then wait "$sleep_pid" || true; fi
  kill "$sleep_pid" 2>/dev/null || true
  if [[ -n $stop_signal ]]; then break; fi
done

stop_tailscaled
exit "$agent_status"
