#!/usr/bin/env bash
# Footprint of an idle client (docs/benchmarks.md, "Desktop client footprint"): RSS and CPU % over a window.
#
#   desktop-client/bench/footprint.sh [headless|headless-lean|installed|window|window-attached|boinc|all] [seconds]
#
# headless       java -jar desktop-client.jar --headless, attached to a local project server with no work: a first
#                start (account, host benchmark, registration; its RSS after 15 s is printed), then the client is
#                stopped and started again over the same data directory, and that idle client is measured
# headless-lean  the same with java @desktop-client/headless.jvmopts
# installed      the same with the installed package's launcher, /opt/sparecycles/bin/SpareCycles-headless (the
#                systemd unit's: the jlink runtime of the .deb with headless.jvmopts; dpkg -i
#                installer/target/sparecycles_*.deb first, built by ./mvnw -B -o verify -pl installer)
# window         the desktop app (no --headless) under its own Xvfb, first-run wizard open
# window-attached the desktop app under its own Xvfb, attached to a local project server with no work, main window
#                only (no wizard): a first headless start attaches and registers (15 s), its data directory becomes
#                the app's one attachment (projects/bench plus attachments.json), then the app is measured
# boinc          Debian's boinc-client (/usr/bin/boinc), fresh data directory, no project attached
#
# Each client gets a 20 s warm-up, then is sampled every second for the window (default 60 s): VmRSS from
# /proc/<pid>/status (mean and max), CPU % = (utime+stime) delta of /proc/<pid>/stat over the wall time, of the
# client process only (workers would be children; an idle client has none). Needs: built jars
# (./mvnw -B -o -q install -DskipTests), for 'window' and 'window-attached' Xvfb, for 'boinc' apt-get install
# boinc-client.
# Environment: WARMUP (seconds), CLIENT_JAR and SERVER_JAR (measure other builds, e.g. a copy of an older commit's
# jars), KEEP=1 (keep the work directory with the clients' logs).
set -euo pipefail
cd "$(dirname "$0")/../.."
WHAT=${1:-all}
SECONDS_WINDOW=${2:-60}
WARMUP=${WARMUP:-20}
WORK=$(mktemp -d /tmp/sparecycles-footprint.XXXXXX)
CLIENT_JAR=${CLIENT_JAR:-desktop-client/target/desktop-client.jar}
SERVER_JAR=${SERVER_JAR:-project-server/target/project-server.jar}
TICKS=$(getconf CLK_TCK)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [[ -n "${KEEP:-}" ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# measure NAME PID: warm-up, then sample; prints one table row.
measure() {
  local name=$1 pid=$2 sum=0 max=0 n=0 rss t0 t1 c0 c1
  sleep "$WARMUP"
  kill -0 "$pid" 2>/dev/null || { echo "$name: process $pid is gone" >&2; return 1; }
  c0=$(cpu_ticks "$pid"); t0=$(date +%s.%N)
  for ((i = 0; i < SECONDS_WINDOW; i++)); do
    rss=$(rss_kb "$pid"); sum=$((sum + rss)); n=$((n + 1)); ((rss > max)) && max=$rss
    sleep 1
  done
  c1=$(cpu_ticks "$pid"); t1=$(date +%s.%N)
  local threads
  threads=$(awk '/^Threads:/ { print $2 }' "/proc/$pid/status")
  awk -v name="$name" -v sum="$sum" -v n="$n" -v max="$max" -v c="$((c1 - c0))" -v hz="$TICKS" \
      -v t="$(echo "$t1 - $t0" | bc)" -v th="$threads" \
      'BEGIN { printf "| %s | %.1f | %.1f | %.3f | %s |\n", name, sum / n / 1024, max / 1024, 100 * c / hz / t, th }'
}

start_server() {
  java -Xmx256m -jar "$SERVER_JAR" serve --port 0 --data-dir "$WORK/server" > "$WORK/server.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/server.log" | head -1 || true)
    [[ -n "$URL" ]] && return 0
    sleep 0.5
  done
  echo "server did not start: $(cat "$WORK/server.log")" >&2; exit 1
}

# headless NAME COMMAND...: a headless client started by COMMAND (which runs it headless), first start then measured.
headless() {
  local name=$1; shift
  [[ -n "${URL:-}" ]] || start_server
  local run=("$@" --server "$URL" --email "bench-$name@example.org" --password bench-password --data-dir "$WORK/$name")
  "${run[@]}" > "$WORK/$name-first.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  sleep 15
  FIRST+=("$name first start (attach, benchmark, register): RSS after 15 s $(($(rss_kb "$pid") / 1024)) MB")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  "${run[@]}" > "$WORK/$name.log" 2>&1 &
  pid=$!; PIDS+=($pid)
  measure "$name (restarted, idle)" "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

# desktop NAME DIR LABEL: the desktop app over data directory DIR under its own Xvfb, measured.
desktop() {
  local name=$1 dir=$2 label=$3 display=:$((90 + RANDOM % 100))
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp > "$WORK/xvfb-$name.log" 2>&1 &
  local xvfb=$!; PIDS+=($xvfb)
  sleep 1
  DISPLAY=$display java -jar "$CLIENT_JAR" --data-dir "$dir" > "$WORK/$name.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  measure "$label" "$pid"
  kill "$pid" "$xvfb"; wait "$pid" "$xvfb" 2>/dev/null || true
}

window() {
  desktop window "$WORK/window" "window (first-run wizard open)"
}

window_attached() {
  [[ -n "${URL:-}" ]] || start_server
  local dir=$WORK/window-attached email=bench-window-attached@example.org
  java -jar "$CLIENT_JAR" --headless --server "$URL" --email "$email" --password bench-password \
      --data-dir "$dir/projects/bench" > "$WORK/window-attached-first.log" 2>&1 &
  local pid=$!; PIDS+=($pid)
  sleep 15
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local account
  account=$(grep -o '"accountId" *: *[0-9]*' "$dir/projects/bench/state.json" | head -1 | grep -o '[0-9]*$')
  [[ -n "$account" ]] || { echo "window-attached: the headless start did not attach" >&2; return 1; }
  printf '[{"id":"bench","serverUrl":"%s","email":"%s","accountId":%s,"projectIds":[],"projectNames":[],"share":100,%s}]\n' \
      "$URL" "$email" "$account" '"suspended":false,"noNewTasks":false' > "$dir/attachments.json"
  desktop window-attached "$dir" "window (attached, main window, no wizard)"
}

boinc() {
  command -v boinc >/dev/null || { echo "boinc-client not installed (apt-get install boinc-client)" >&2; return 1; }
  mkdir -p "$WORK/boinc"
  (cd "$WORK/boinc" && exec boinc --dir "$WORK/boinc" --allow_remote_gui_rpc --gui_rpc_port 31416 \
      > "$WORK/boinc.log" 2>&1) &
  local pid=$!; PIDS+=($pid)
  measure "boinc-client $(dpkg-query -W -f='${Version}' boinc-client 2>/dev/null)" "$pid"
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "$(date -u +%Y-%m-%d) $(uname -srm), $(nproc) cores, $(java -version 2>&1 | head -1), window ${SECONDS_WINDOW} s after ${WARMUP} s"
echo "| client | mean RSS MB | max RSS MB | CPU % | threads |"
echo "| --- | --- | --- | --- | --- |"
FIRST=()
LEAN=${LEAN_OPTS:-@desktop-client/headless.jvmopts}  # LEAN_OPTS=@file: try other options
case "$WHAT" in
  headless) headless headless java -jar "$CLIENT_JAR" --headless ;;
  headless-lean) headless headless-lean java "$LEAN" -jar "$CLIENT_JAR" --headless ;;
  installed)
    INSTALLED=${INSTALLED:-/opt/sparecycles/bin/SpareCycles-headless}
    [[ -x $INSTALLED ]] || { echo "no $INSTALLED: dpkg -i installer/target/sparecycles_*.deb" >&2; exit 1; }
    headless installed "$INSTALLED" ;;
  window) window ;;
  window-attached) window_attached ;;
  boinc) boinc ;;
  all) headless headless java -jar "$CLIENT_JAR" --headless
       headless headless-lean java "$LEAN" -jar "$CLIENT_JAR" --headless; window; window_attached; boinc ;;
  *) echo "unknown: $WHAT" >&2; exit 2 ;;
esac
for line in "${FIRST[@]}"; do echo "$line"; done
