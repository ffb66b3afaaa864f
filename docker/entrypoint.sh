#!/usr/bin/env bash
# Container entrypoint: joins the tailnet (when the hub passed a Tailscale auth key), then runs the PodPilot
# agent and keeps the tailnet up until the agent has finished, final output sync included.
# See docs/security.md, "In the container".
set -euo pipefail

ts_pid=''
agent_pid=''

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

if [[ -n ${TS_AUTHKEY:-} ]]; then
  port="${PODPILOT_TS_PROXY_PORT:-1055}"
  # tailscaled's state (the node's identity) lives on the kept disk, so a started or restarted container is
  # the same tailnet node and rejoins without a key: the launch's key is single-use and spent by then. The
  # socket stays off that disk (a volume need not hold sockets).
  state_dir="${PODPILOT_TS_STATE_DIR:-${PODPILOT_WORKSPACE:-/workspace}/.podpilot/tailscale}"
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
    if tailscale --socket="$socket" up "${up_args[@]}" --hostname="${TS_HOSTNAME:-podpilot-agent}"; then
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

# A child rather than exec: tailscaled must outlive the agent, whose final sync on SIGTERM needs the tailnet.
read -r -a agent_cmd <<<"${PODPILOT_AGENT_CMD:-podpilot agent}"
"${agent_cmd[@]}" &
agent_pid=$!

forward() {
  kill -"$1" "$agent_pid" 2>/dev/null || true
}
trap 'forward TERM' TERM
trap 'forward INT' INT

# `wait` returns early when a trapped signal arrives: keep waiting while the agent is still running.
while kill -0 "$agent_pid" 2>/dev/null; do
  wait "$agent_pid" || true
done
# The agent has been reaped; bash keeps its exit status for this last wait.
agent_status=0
wait "$agent_pid" || agent_status=$?

stop_tailscaled
exit "$agent_status"
