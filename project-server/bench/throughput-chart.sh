#!/usr/bin/env bash
# Draws docs/images/loadtest-db-size.png (docs/benchmarks.md, "Throughput against database size") from load test
# figures, with the server's own Chart.js (from the built jar) in headless Chromium.
#
#   project-server/bench/throughput-chart.sh OUT.png "label:results_per_s:p99_ms[:reported_per_s]" ...
#   e.g. project-server/bench/throughput-chart.sh docs/images/loadtest-db-size.png "empty:600:120" "1M WUs:580:130"
# results_per_s: validated and assimilated a second (the load test's closing line); reported_per_s, when given for
# every point: results reported and dispatched a second, drawn as a second bar.
#
# Needs: ./mvnw -B -DskipTests package (for the jar) and chromium (apt-get install chromium).
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=$1; shift
JAR=project-server/target/project-server.jar
WORK=$(mktemp -d /tmp/sparecycles-chart.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
CHART=$(unzip -Z1 "$JAR" | grep 'webjars/chart.js/.*/dist/chart.umd.js$')
unzip -p "$JAR" "$CHART" > "$WORK/chart.umd.js"
labels=() rates=() p99s=() reported=()
for point in "$@"; do
  IFS=: read -r label rate p99 taken <<< "$point"
  labels+=("\"$label\""); rates+=("$rate"); p99s+=("$p99")
  if [ -n "${taken:-}" ]; then reported+=("$taken"); fi
done
REPORTED=
if [ "${#reported[@]}" -eq "$#" ]; then
  REPORTED="{type: 'bar', label: 'results reported and dispatched a second', data: [$(IFS=,; echo "${reported[*]}")],
     backgroundColor: '#94a3b8', yAxisID: 'y', order: 2},"
elif [ "${#reported[@]}" -gt 0 ]; then
  echo "give reported_per_s for every point or for none" >&2; exit 2
fi
join() { local IFS=,; echo "$*"; }
cat > "$WORK/chart.html" <<HTML
<!doctype html><html><head><meta charset="utf-8"><script src="chart.umd.js"></script>
<style>body{margin:0;background:#fff;font-family:sans-serif}</style></head><body>
<canvas id="c" width="900" height="460"></canvas><script>
new Chart(document.getElementById('c'), {
  data: {labels: [$(join "${labels[@]}")], datasets: [$REPORTED
    {type: 'bar', label: 'results validated and assimilated a second', data: [$(join "${rates[@]}")],
     backgroundColor: '#3b82f6', yAxisID: 'y', order: 1},
    {type: 'line', label: 'scheduler p99 (ms)', data: [$(join "${p99s[@]}")], borderColor: '#ef4444',
     backgroundColor: '#ef4444', yAxisID: 'ms', order: 0}]},
  options: {animation: false, responsive: false, plugins: {title: {display: true,
      text: 'Load test on embedded H2 against the size of the database already there (2 cores, 200 hosts, full load)'}},
    scales: {y: {beginAtZero: true, title: {display: true, text: 'results a second'}},
      ms: {beginAtZero: true, position: 'right', grid: {drawOnChartArea: false}, title: {display: true, text: 'p99 ms'}},
      x: {title: {display: true, text: 'database before the run'}}}}});
</script></body></html>
HTML
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=900,460 \
  --screenshot="$WORK/out.png" "file://$WORK/chart.html" > "$WORK/chromium.log" 2>&1 || { cat "$WORK/chromium.log" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
cp "$WORK/out.png" "$OUT"
echo "wrote $OUT"
