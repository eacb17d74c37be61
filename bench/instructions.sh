#!/usr/bin/env bash
# Instructions per proxied request, counted by valgrind's callgrind: tokengate against the bare
# proxy baseline (bench/servers/bare-proxy.ts, built as ../shared/anchors/peers/bare-undici.js is).
# Unlike req/s on a shared 2-core machine, the count repeats to within about 1 % from run to
# run, so it can tell apart changes worth a fraction of a microsecond (docs/performance.md,
# "Instructions per request"). Usage: npm run bench:instructions
#   REQUESTS (default 10000) are counted after WARMUP (default 20000) uncounted ones, on the
#   main thread only (V8's compiler and GC helper threads vary more). PERF_MAP=1 adds
#   --perf-basic-prof so JIT code can be named; the counts are kept in $OUT (printed).
#   MODE=cookie counts tokengate twice instead, with the access token as a Bearer header and
#   with both tokens as cookies (decision-table case 4), and prints cookie ÷ bearer.
#   MODE=refresh counts tokengate alone on POST /auth/refresh with rotation (10 chains of
#   sessions, bench/refresh-chains.ts; WARMUP 3000, REQUESTS 2000 by default), on the MariaDB
#   of REFRESH_MYSQL_URL (default mysql://root@127.0.0.1:3306; a database is created and
#   dropped) or, with REFRESH_MYSQL_URL=off, on SQLite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v valgrind >/dev/null || { echo "bench:instructions needs valgrind (apt-get install valgrind)"; exit 2; }
[ -f dist/src/main.js ] && [ -f dist/bench/servers/bare-proxy.js ] || { echo "build first: npm run build && tsc -p bench/tsconfig.json"; exit 2; }
MODE="${MODE:-bare}"
[ "$MODE" = bare ] || [ "$MODE" = cookie ] || [ "$MODE" = refresh ] || { echo "MODE is bare (default), cookie or refresh"; exit 2; }
if [ "$MODE" = refresh ]; then REQUESTS="${REQUESTS:-2000}" WARMUP="${WARMUP:-3000}"; else REQUESTS="${REQUESTS:-10000}" WARMUP="${WARMUP:-20000}"; fi
OUT="$(mktemp -d -t tokengate-instructions.XXXXXX)"
BASE=$((6200 + RANDOM % 500))
UPSTREAM="http://127.0.0.1:$BASE"
SECRET="$(node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64url'))")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.2; done; echo "no answer from $1"; exit 1; }
load() { node_modules/.bin/autocannon -c 10 -a "$1" -H "$2" "$3" >/dev/null 2>&1; }

# Prints a two-column Markdown table: headings $1 and $2, then one row per "cell|count" argument.
table() {
  echo "| $1 | $2 |"
  echo "|---|---:|"
  shift 2
  for row in "$@"; do echo "| ${row%%|*} | ${row#*|} |"; done
}

# Drives $1 requests at port $2 with header $3 ("refresh": refresh chains, logged in by count).
drive() {
  if [ "$3" = refresh ]; then node dist/bench/refresh-chains.js run "http://127.0.0.1:$2" "$1" "$OUT/chains.json"
  else load "$1" "$3" "http://127.0.0.1:$2/api/items"; fi
}

# Counts one server: $1 label, $2 port, $3 request header (login: bearer, cookie: both tokens as
# cookies, refresh: refresh chains; all three need a login first), then the command. Prints
# instructions per request.
count() {
  local label=$1 port=$2 header=$3; shift 3
  local flags=()
  [ "${PERF_MAP:-0}" = 1 ] && flags=(--perf-basic-prof --logfile=/dev/null)
  valgrind --tool=callgrind --instr-atstart=no --separate-threads=yes --smc-check=all-non-file \
    --callgrind-out-file="$OUT/$label.out" node "${flags[@]}" "$@" >"$OUT/$label.log" 2>&1 &
  local pid=$!
  # Set in the subshell of `$(count …)`: it stops this server only (the upstream is the next count's too).
  trap "kill $pid 2>/dev/null || true" EXIT
  wait_for "http://127.0.0.1:$port/healthz"
  case "$header" in
    login) header="authorization: Bearer $(login "$port" accessToken)" ;;
    cookie) header="cookie: $(login "$port" 'access_token=${accessToken}; refresh_token=${refreshToken}')" ;;
    refresh) node dist/bench/refresh-chains.js login "http://127.0.0.1:$port" 10 "$OUT/chains.json" ;;
  esac
  drive "$WARMUP" "$port" "$header"
  callgrind_control -i on "$pid" >/dev/null 2>&1
  drive "$REQUESTS" "$port" "$header"
  callgrind_control -i off "$pid" >/dev/null 2>&1
  callgrind_control -d "$pid" >/dev/null 2>&1
  [ "${PERF_MAP:-0}" = 1 ] && cp "/tmp/perf-$pid.map" "$OUT/$label.perf.map" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local main
  main=$(for f in "$OUT/$label".out*-01; do callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'; done | sort -n | tail -1)
  echo $((main / REQUESTS))
}

# Logs in at port $1 and prints $2 filled from the token response: a field name, or a template
# of ${field} references.
login() {
  curl -s -X POST -H 'content-type: application/json' -d '{"username":"bench","password":"bench-password-123456"}' \
    "http://127.0.0.1:$1/auth/login" | FORMAT="$2" node -e "
      const t = JSON.parse(require('fs').readFileSync(0, 'utf8')), f = process.env.FORMAT;
      process.stdout.write(f.includes('\${') ? f.replace(/\\$\\{(\\w+)\\}/g, (_, k) => t[k]) : t[f]);"
}

PORT=$BASE node dist/bench/servers/upstream.js >/dev/null 2>&1 &
pids+=($!)
wait_for "$UPSTREAM/"

[ "$MODE" = bare ] && bare=$(PORT=$((BASE + 1)) UPSTREAM_URL=$UPSTREAM count bare $((BASE + 1)) "authorization: Bearer none" --no-memory-reducer dist/bench/servers/bare-proxy.js)

DATABASE_URL="sqlite:$OUT/bench.db"
if [ "$MODE" = refresh ] && [ "${REFRESH_MYSQL_URL:-}" != off ]; then
  DATABASE_URL=$(node -e "
    const u = new URL(process.argv[1]); u.pathname = '/tokengate_instructions_' + process.pid; console.log(u.href)" "${REFRESH_MYSQL_URL:-mysql://root@127.0.0.1:3306}")
  db_sql() { node -e "
    const u = new URL(process.argv[1]), name = u.pathname.slice(1); u.pathname = '/';
    require('mysql2/promise').createConnection(u.href).then(async (c) => { await c.query(process.argv[2].replace('DB', '\`' + name + '\`')); await c.end(); })" "$DATABASE_URL" "$1"; }
  db_sql 'CREATE DATABASE DB CHARACTER SET utf8mb4'
  cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; db_sql 'DROP DATABASE IF EXISTS DB' || true; }
fi
export PORT=$((BASE + 2)) HOST=127.0.0.1 UPSTREAM_URL=$UPSTREAM JWT_SECRET=$SECRET NODE_ENV=production \
  DATABASE_URL LOG_LEVEL=warn LOGIN_RATE_LIMIT=1000/15m MALLOC_MMAP_THRESHOLD_=131072
echo bench-password-123456 | node dist/src/cli.js user add bench --password-stdin >/dev/null
# The Node options npm start passes (docs/performance.md, "The two speeds: V8's memory reducer").
if [ "$MODE" = refresh ]; then
  tg=$(count tokengate-refresh $PORT refresh --no-memory-reducer dist/src/main.js)
  table "tokengate, store" "instructions per POST /auth/refresh with rotation (main thread)" "${DATABASE_URL%%:*}|$tg"
  echo "(callgrind files in $OUT)"
  exit 0
fi
tg=$(count tokengate $PORT login --no-memory-reducer dist/src/main.js)
if [ "$MODE" = cookie ]; then
  cookie=$(count tokengate-cookie $PORT cookie --no-memory-reducer dist/src/main.js)
  table "tokengate, tokens in" "instructions per proxied request (main thread)" "Authorization: Bearer|$tg" "cookies (case 4)|$cookie"
  node -e "console.log('bearer/cookie (instructions) = ' + ($tg / $cookie).toFixed(3) + '   (callgrind files in $OUT)')"
  exit 0
fi

table "server" "instructions per proxied request (main thread)" "bare proxy|$bare" "tokengate|$tg"
node -e "console.log('bare/tokengate (instructions) = ' + ($bare / $tg).toFixed(3) + '   (callgrind files in $OUT)')"
