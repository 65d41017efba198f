#!/usr/bin/env bash
# One Postroom node on SQLite and the data directory against two nodes on
# one PostgreSQL schema and one S3 bucket (versitygw), on this machine, in
# one run, alternating, with the same `postroom bench` workloads and the
# same total number of connections (issue 20, X5; docs/scale-out.md).
#
#   bench/cluster.sh [--rounds 3] [--messages 500] [--large 150] [--concurrency 10]
#                    [--preload 2000] [--mixed 10s] [--rev REV | --bin PATH] [--keep]
#
# What is compared, each round, the order of the two set-ups alternating
# from round to round:
#   smtp 10k    --messages messages of 10 KiB into the MX, --concurrency sessions
#   smtp 200k   --large messages of 200 KiB, the same sessions
#   imap-mixed  --concurrency clients for --mixed on one mailbox of --preload
#               messages: login, select, fetch the envelopes of the newest 50,
#               fetch a body, search, store, noop, idle
# The single node gets every connection; for the two nodes two `postroom
# bench` processes run at once, half the connections each, one per node.
# Their throughput is their operations together over the longer of their two
# wall times; their p50 and p99 are the higher of the two processes' (the
# JSON of a run has no histogram to merge).
#
# CPU is the servers' whole cost: the nodes' (and versitygw's) from a
# cpuacct cgroup each when the machine has cgroup v1's cpuacct (else
# `postroom bench --pid` for the nodes and /proc for versitygw), and
# PostgreSQL's from /proc: its backends serving our nodes (found by the
# application_name in the DSN) plus its own background processes
# (checkpointer, walwriter, ...). The PostgreSQL is the machine's shared one
# at 127.0.0.1:5432 (trust auth, database `test`): other sessions' backends
# are left out, its background processes are not and may carry others' work.
#
# Needs go, psql, jq and versitygw (on PATH or in $(go env GOPATH)/bin:
# GOFLAGS= go install github.com/versity/versitygw/cmd/versitygw@v1.8.0).
# Everything listens on 127.0.0.1 on free high ports and lives in a
# temporary directory and a PostgreSQL schema of its own, removed at the end
# even on failure (--keep keeps the directory). --rev builds that commit
# (git archive) instead of the working tree; --bin takes a postroom binary
# already built (a build on a busy 2-core machine takes minutes).
set -euo pipefail

rounds=3 messages=500 large=150 conc=10 preload=2000 mixed=10s rev= bin= keep=0
pg_host=127.0.0.1 pg_port=5432 pg_db=test pg_user=postgres
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--messages) messages=$2; shift 2 ;;
	--large) large=$2; shift 2 ;;
	--concurrency) conc=$2; shift 2 ;;
	--preload) preload=$2; shift 2 ;;
	--mixed) mixed=$2; shift 2 ;;
	--rev) rev=$2; shift 2 ;;
	--bin) bin=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	*) echo "usage: $0 [--rounds N] [--messages N] [--large N] [--concurrency N] [--preload N] [--mixed 10s] [--rev REV | --bin PATH] [--keep]" >&2; exit 2 ;;
	esac
done
[ "$conc" -ge 2 ] && [ $((conc % 2)) = 0 ] || { echo "cluster.sh: --concurrency must be even (half per node)" >&2; exit 2; }
for tool in go psql jq python3; do
	command -v $tool >/dev/null || { echo "cluster.sh: $tool is missing" >&2; exit 1; }
done
gw_bin=$(command -v versitygw || echo "$(go env GOPATH | cut -d: -f1)/bin/versitygw")
[ -x "$gw_bin" ] || { echo "cluster.sh: versitygw is missing: GOFLAGS= go install github.com/versity/versitygw/cmd/versitygw@v1.8.0" >&2; exit 1; }

repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/postroom-cluster.XXXXXX)
schema=prbench_$(basename "$work" | tr -dc 'a-zA-Z0-9' | tr 'A-Z' 'a-z')
pids=()     # the servers, killed at the end
running=()  # the bench processes of a run in progress
cgroot=
schema_made=0
psql_() { psql -X -q -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$pg_db" -v ON_ERROR_STOP=1 "$@"; }
cleanup() {
	set +e
	for p in "${running[@]}" "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	if [ -n "$cgroot" ]; then
		for p in $(cat "$cgroot"/*/cgroup.procs 2>/dev/null); do kill "$p" 2>/dev/null; done
		for _ in $(seq 50); do rmdir "$cgroot"/*/ "$cgroot" 2>/dev/null && break; sleep 0.1; done
	fi
	if [ "$schema_made" = 1 ]; then
		psql_ -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 &&
			echo "dropped schema $schema" || echo "cluster.sh: could not drop schema $schema" >&2
	fi
	if [ "$keep" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

. "$(dirname "$0")/ports.sh"

# --- CPU accounting -------------------------------------------------------
# A cpuacct cgroup per server, when cgroup v1's cpuacct is writable: every
# thread and child is counted from birth (bench/compare.sh does the same).
if [ -w /sys/fs/cgroup/cpuacct ] && mkdir "/sys/fs/cgroup/cpuacct/${work##*/}" 2>/dev/null; then
	cgroot=/sys/fs/cgroup/cpuacct/${work##*/}
	mkdir "$cgroot/single" "$cgroot/node-a" "$cgroot/node-b" "$cgroot/s3"
fi
in_cgroup() { # NAME command...: becomes the command, in NAME's cgroup (run it as a job: $! is its pid)
	local name=$1
	shift
	[ -n "$cgroot" ] && echo "$BASHPID" >"$cgroot/$name/cgroup.procs"
	exec "$@"
}
cpu_of() { # NAME PID: the server's CPU so far in ns: its cgroup, else /proc
	if [ -n "$cgroot" ]; then cat "$cgroot/$1/cpuacct.usage"; else proc_ns "$2"; fi
}
# pg_snap: "pid ns kind" of PostgreSQL's backends serving this run's nodes
# (kind ours: their application_name starts with the schema's name) and of
# its background processes (bg). A backend that ends between two snapshots
# loses its CPU; the nodes' pools keep their connections, so none should.
pg_snap() {
	local p kind
	psql_ -At -F ' ' -c "SELECT pid, CASE WHEN backend_type = 'client backend' THEN 'ours' ELSE 'bg' END
		FROM pg_stat_activity WHERE application_name LIKE '${schema}%' OR backend_type <> 'client backend'" |
		while read -r p kind; do echo "$p $(proc_ns "$p") $kind"; done
}
pg_delta() { # KIND BEFORE AFTER (files of pg_snap): CPU ns between them of the processes of KIND
	awk -v k="$1" 'NR == FNR { b[$1] = $2; next } $3 == k { s += $2 - ($1 in b ? b[$1] : 0) } END { printf "%d\n", s }' "$2" "$3"
}
settle() { # NAME PID...: until the servers' CPU is quiet (their work after the last reply), 5 s at most
	local a b i
	for i in $(seq 25); do
		a=$(cpus_now "$@")
		sleep 0.2
		b=$(cpus_now "$@")
		[ $((b - a)) -lt 10000000 ] && return 0
	done
}
cpus_now() { # NAME PID NAME PID ...
	local n=0
	while [ $# -gt 1 ]; do n=$((n + $(cpu_of "$1" "$2"))); shift 2; done
	echo "$n"
}

# --- build ----------------------------------------------------------------
if [ -n "$bin" ]; then
	cp "$bin" "$work/postroom"
else
	echo "building postroom${rev:+ at $rev}"
	src=$repo
	if [ -n "$rev" ]; then
		src=$work/src
		mkdir "$src"
		git -C "$repo" archive "$rev" | tar -x -C "$src"
	fi
	(cd "$src" && go build -trimpath -o "$work/postroom" ./cmd/postroom)
fi
pr() { "$work/postroom" "$@"; }

domain=example.test
intake=intake@$domain reader=reader@$domain password=bench-password-1

# config DATA SMTP IMAP HTTP [TABLES]: a node's postroom.toml
config() {
	mkdir -p "$1"
	cat >"$1/postroom.toml" <<EOF
hostname = "mx.$domain"
data_dir = "$1"
# no DNS server out of this machine: SPF and friends get a quick refusal
dns_server = "127.0.0.1:9"

[listen]
smtp = "127.0.0.1:$2"
submission = ""
submissions = ""
imap = "127.0.0.1:$3"
imaps = ""
pop3 = ""
pop3s = ""
http = "127.0.0.1:$4"
https = ""
${5:-}
EOF
}
serve() { # CGROUP DATA LOG: starts a node; its pid in $served
	in_cgroup "$1" "$work/postroom" serve --data "$2" >"$3" 2>&1 &
	served=$!
	pids+=("$served")
}

# --- versitygw and the schema ---------------------------------------------
gw_port=$(freeport) gw_access=bench-access gw_secret=bench-secret-$RANDOM$RANDOM bucket=postroom
mkdir -p "$work/s3/$bucket" # the posix backend: a bucket is a directory
in_cgroup s3 env ROOT_ACCESS_KEY= ROOT_SECRET_KEY= "$gw_bin" --port "127.0.0.1:$gw_port" \
	--access "$gw_access" --secret "$gw_secret" --quiet posix "$work/s3" >"$work/versitygw.log" 2>&1 &
gw_pid=$!
pids+=("$gw_pid")
waitport "$gw_port"
psql_ -c "CREATE SCHEMA $schema" >/dev/null
schema_made=1
echo "versitygw ($gw_bin): pid $gw_pid, 127.0.0.1:$gw_port; PostgreSQL $(psql_ -At -c 'SHOW server_version'): schema $schema"

shared() { # APPNAME: the [store] and [blob] of the two nodes
	cat <<EOF

[store]
driver = "postgres"
dsn = "postgres://$pg_user@$pg_host:$pg_port/$pg_db?sslmode=disable&search_path=$schema&application_name=$1"

[blob]
driver = "s3"
endpoint = "http://127.0.0.1:$gw_port"
bucket = "$bucket"
region = "us-east-1"
access_key = "$gw_access"
secret_key = "$gw_secret"
path_style = true
EOF
}

# --- the single node: SQLite and the data directory -----------------------
s_data=$work/single/data s_smtp=$(freeport) s_imap=$(freeport) s_http=$(freeport)
config "$s_data" "$s_smtp" "$s_imap" "$s_http"
pr init --data "$s_data" --domain "$domain" --admin "admin@$domain" --password admin-password-1 >/dev/null
pr user add --data "$s_data" "$intake" --password "$password" >/dev/null
pr user add --data "$s_data" "$reader" --password "$password" >/dev/null
serve single "$s_data" "$work/single.log"
s_pid=$served
waitport "$s_smtp"; waitport "$s_imap"
echo "single node (sqlite + fs): pid $s_pid, smtp $s_smtp, imap $s_imap"

# --- two nodes: PostgreSQL and S3 -----------------------------------------
a_data=$work/node-a/data a_smtp=$(freeport) a_imap=$(freeport) a_http=$(freeport)
b_data=$work/node-b/data b_smtp=$(freeport) b_imap=$(freeport) b_http=$(freeport)
config "$a_data" "$a_smtp" "$a_imap" "$a_http" "$(shared "${schema}_a")"
config "$b_data" "$b_smtp" "$b_imap" "$b_http" "$(shared "${schema}_b")"
pr init --data "$a_data" --domain "$domain" --admin "admin@$domain" --password admin-password-1 >/dev/null
pr user add --data "$a_data" "$intake" --password "$password" >/dev/null
pr user add --data "$a_data" "$reader" --password "$password" >/dev/null
serve node-a "$a_data" "$work/node-a.log"
a_pid=$served
waitport "$a_smtp"; waitport "$a_imap"
serve node-b "$b_data" "$work/node-b.log" # no init: the store is A's
b_pid=$served
waitport "$b_smtp"; waitport "$b_imap"
echo "node A (postgres + s3): pid $a_pid, smtp $a_smtp, imap $a_imap"
echo "node B (postgres + s3): pid $b_pid, smtp $b_smtp, imap $b_imap"

# --- running a workload on one set-up -------------------------------------
results=$work/results.jsonl
: >"$results"
half=$((conc / 2))

# run_single ROUND LABEL WORKLOAD bench-args...: one bench process on the
# single node, all connections
run_single() {
	local round=$1 label=$2 workload=$3 c0 c1 out
	shift 3
	c0=$(cpu_of single "$s_pid")
	out=$(pr bench "$workload" --json --pid "$s_pid" "$@") || echo "(single $label: errors)" >&2
	settle single "$s_pid"
	c1=$(cpu_of single "$s_pid")
	printf '%s\n' "$out" | jq -c --arg l "$label" --argjson r "$round" --argjson cpu $((c1 - c0)) '
		{setup: "single", label: $l, round: $r, ops: ([.ops[] | select(.name != "connect") | .ops] | add),
		 wall_ns, errors, p: (.ops | map({key: .name, value: {p50: .p50_ns, p99: .p99_ns}}) | from_entries),
		 cpu_nodes_ns: (if $cpu > 0 then $cpu else .target_cpu_ns end), cpu_pg_ns: 0, cpu_pgbg_ns: 0, cpu_s3_ns: 0,
		 pid_cpu_ns: .target_cpu_ns}' >>"$results"
	report
}

# run_pair ROUND LABEL WORKLOAD ARGS-A -- ARGS-B: two bench processes at
# once, one per node, half the connections each
run_pair() {
	local round=$1 label=$2 workload=$3 c0 c1 s0 s1 argsA=() argsB=()
	shift 3
	while [ "$1" != -- ]; do argsA+=("$1"); shift; done
	shift
	argsB=("$@")
	pg_snap >"$work/pg0"
	c0=$(($(cpu_of node-a "$a_pid") + $(cpu_of node-b "$b_pid"))) s0=$(cpu_of s3 "$gw_pid")
	pr bench "$workload" --json --pid "$a_pid" "${argsA[@]}" >"$work/outA" || echo "(node A $label: errors)" >&2 &
	local ja=$!
	pr bench "$workload" --json --pid "$b_pid" "${argsB[@]}" >"$work/outB" || echo "(node B $label: errors)" >&2 &
	local jb=$!
	running=("$ja" "$jb")
	wait "$ja" "$jb"
	running=()
	settle node-a "$a_pid" node-b "$b_pid" s3 "$gw_pid"
	c1=$(($(cpu_of node-a "$a_pid") + $(cpu_of node-b "$b_pid"))) s1=$(cpu_of s3 "$gw_pid")
	pg_snap >"$work/pg1"
	jq -s -c --arg l "$label" --argjson r "$round" --argjson cpu $((c1 - c0)) --argjson s3 $((s1 - s0)) \
		--argjson pg "$(pg_delta ours "$work/pg0" "$work/pg1")" --argjson pgbg "$(pg_delta bg "$work/pg0" "$work/pg1")" '
		{setup: "two-pg", label: $l, round: $r, ops: ([.[].ops[] | select(.name != "connect") | .ops] | add),
		 wall_ns: (map(.wall_ns) | max), errors: (map(.errors) | add),
		 p: ([.[].ops[]] | group_by(.name) | map({key: .[0].name, value: {p50: (map(.p50_ns) | max), p99: (map(.p99_ns) | max)}}) | from_entries),
		 cpu_nodes_ns: (if $cpu > 0 then $cpu else (map(.target_cpu_ns) | add) end), cpu_pg_ns: $pg, cpu_pgbg_ns: $pgbg, cpu_s3_ns: $s3,
		 pid_cpu_ns: (map(.target_cpu_ns) | add)}' "$work/outA" "$work/outB" >>"$results"
	report
}

report() { # the last result, one line
	tail -1 "$results" | jq -r '
		(.wall_ns / 1e9) as $w | ((.cpu_nodes_ns + .cpu_pg_ns + .cpu_pgbg_ns + .cpu_s3_ns) / 1e6 / .ops) as $cpu
		| (if .label | startswith("smtp") then .p.deliver else (.p["fetch-envelopes"]) end) as $p
		| "  \(.setup) \(.label) round \(.round): \(.ops) ops \(.errors) err in \($w * 100 | floor / 100) s = \(.ops / $w | floor)/s"
		  + ", p50 \($p.p50 / 1e6 * 100 | floor / 100) ms p99 \($p.p99 / 1e6 * 100 | floor / 100) ms"
		  + (if .label | startswith("smtp") then "" else " (fetch-envelopes)" end)
		  + ", CPU \($cpu * 100 | floor / 100) ms/op (nodes \(.cpu_nodes_ns / 1e6 | floor) ms, pg \(.cpu_pg_ns / 1e6 | floor) + \(.cpu_pgbg_ns / 1e6 | floor) ms, s3 \(.cpu_s3_ns / 1e6 | floor) ms; --pid \(.pid_cpu_ns / 1e6 | floor) ms)"'
}

# --- the mailbox IMAP reads -----------------------------------------------
# --preload messages into reader@ on each set-up (not timed), through both
# nodes for the two: the IMAP load runs on the same mailbox everywhere.
echo "loading $preload messages into $reader on each set-up"
pr bench smtp --port "$s_smtp" --rcpt "$reader" --messages "$preload" --size 10k --concurrency "$conc" >/dev/null
pr bench smtp --port "$a_smtp" --rcpt "$reader" --messages $((preload / 2)) --size 10k --concurrency "$half" >/dev/null &
running=($!)
pr bench smtp --port "$b_smtp" --rcpt "$reader" --messages $((preload - preload / 2)) --size 10k --concurrency "$half" >/dev/null
wait "${running[0]}"
running=()

# --- idle -----------------------------------------------------------------
# What the set-ups spend with nothing asked of them (timers, the nodes'
# polls of the shared store): part of every figure below, measured alone.
settle single "$s_pid" node-a "$a_pid" node-b "$b_pid" s3 "$gw_pid"
idle_s=5
pg_snap >"$work/pg0"
i_single=$(cpu_of single "$s_pid") i_nodes=$(($(cpu_of node-a "$a_pid") + $(cpu_of node-b "$b_pid"))) i_s3=$(cpu_of s3 "$gw_pid")
sleep "$idle_s"
i_single=$(($(cpu_of single "$s_pid") - i_single))
i_nodes=$(($(cpu_of node-a "$a_pid") + $(cpu_of node-b "$b_pid") - i_nodes))
i_s3=$(($(cpu_of s3 "$gw_pid") - i_s3))
pg_snap >"$work/pg1"
idle_line="CPU while idle (${idle_s} s, ms per second): single node $((i_single / idle_s / 1000000)); two nodes $((i_nodes / idle_s / 1000000)), PostgreSQL backends $(($(pg_delta ours "$work/pg0" "$work/pg1") / idle_s / 1000000)), PostgreSQL background $(($(pg_delta bg "$work/pg0" "$work/pg1") / idle_s / 1000000)), versitygw $((i_s3 / idle_s / 1000000))"
echo "$idle_line"

# --- the rounds -----------------------------------------------------------
smtp_common=(--rcpt "$intake")
imap_common=(--user "$reader" --password "$password" --duration "$mixed")
for round in $(seq "$rounds"); do
	echo "== round $round of $rounds (load average $(cut -d' ' -f1-3 /proc/loadavg))"
	order="single two-pg"
	[ $((round % 2)) = 0 ] && order="two-pg single"
	for what in smtp-10k smtp-200k imap-mixed; do
		for setup in $order; do
			case $what in
			smtp-10k) w=smtp n=$messages size=10k ;;
			smtp-200k) w=smtp n=$large size=200k ;;
			imap-mixed) w=imap-mixed ;;
			esac
			if [ $w = smtp ]; then
				if [ $setup = single ]; then
					run_single "$round" $what smtp --port "$s_smtp" "${smtp_common[@]}" --messages "$n" --size $size --concurrency "$conc"
				else
					run_pair "$round" $what smtp \
						--port "$a_smtp" "${smtp_common[@]}" --messages $((n / 2)) --size $size --concurrency "$half" -- \
						--port "$b_smtp" "${smtp_common[@]}" --messages $((n - n / 2)) --size $size --concurrency "$half"
				fi
			else
				if [ $setup = single ]; then
					run_single "$round" $what imap-mixed --port "$s_imap" "${imap_common[@]}" --concurrency "$conc"
				else
					run_pair "$round" $what imap-mixed \
						--port "$a_imap" "${imap_common[@]}" --concurrency "$half" -- \
						--port "$b_imap" "${imap_common[@]}" --concurrency "$half"
				fi
			fi
		done
	done
done

# --- the table ------------------------------------------------------------
cat <<EOF

## Single node (SQLite + data directory) against two nodes (PostgreSQL + S3)

Medians of $rounds rounds, the order of the set-ups alternating. Same total
connections: $conc on the single node, $half + $half on the two nodes (two
\`postroom bench\` processes at once, summed; p50/p99 the higher of the two).
CPU per op = the nodes' CPU + PostgreSQL's (the backends of our nodes' pools,
and its background processes: checkpointer, walwriter ..., which other
sessions of this shared server use too) + versitygw's, over the operations.
Ratio = two nodes / single. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).
$idle_line.

**This machine has $(nproc) cores, shared by both nodes, PostgreSQL, versitygw
and the load generators: the figures measure the overhead of the shared
backends, not scale-out.** PostgreSQL $(psql_ -At -c 'SHOW server_version')
(fsync $(psql_ -At -c 'SHOW fsync'), synchronous_commit $(psql_ -At -c 'SHOW synchronous_commit')), versitygw posix backend, default
store.max_conns.

EOF
jq -s -r '
	def median: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
	def r2: if . == null then "–" else . * 100 | round / 100 end;
	def main: .ops / (.wall_ns / 1e9);
	def cpu: (.cpu_nodes_ns + .cpu_pg_ns + .cpu_pgbg_ns + .cpu_s3_ns) / 1e6 / .ops;
	def lat($k; $q): if .label | startswith("smtp") then .p.deliver[$q] else .p[$k][$q] end / 1e6;
	def col($s; f): map(select(.setup == $s) | f) | median;
	"| workload | metric | single (SQLite) | two nodes (PG + S3) | ratio |",
	"|---|---|---:|---:|---:|",
	(group_by(.label) | sort_by(.[0].label | if . == "smtp-10k" then 0 elif . == "smtp-200k" then 1 else 2 end) | .[] | . as $g
	 | ($g[0].label) as $l
	 | (if $l | startswith("smtp") then "msg/s" else "cmd/s" end) as $unit
	 | ([[$unit, (col("single"; main)), (col("two-pg"; main))]]
	    + (if $l | startswith("smtp") then
	        [["p50 ms", col("single"; lat("deliver"; "p50")), col("two-pg"; lat("deliver"; "p50"))],
	         ["p99 ms", col("single"; lat("deliver"; "p99")), col("two-pg"; lat("deliver"; "p99"))]]
	      else
	        [["fetch-envelopes p50 ms", col("single"; lat("fetch-envelopes"; "p50")), col("two-pg"; lat("fetch-envelopes"; "p50"))],
	         ["fetch-envelopes p99 ms", col("single"; lat("fetch-envelopes"; "p99")), col("two-pg"; lat("fetch-envelopes"; "p99"))],
	         ["fetch-body p50 ms", col("single"; lat("fetch-body"; "p50")), col("two-pg"; lat("fetch-body"; "p50"))],
	         ["fetch-body p99 ms", col("single"; lat("fetch-body"; "p99")), col("two-pg"; lat("fetch-body"; "p99"))],
	         ["login p50 ms", col("single"; lat("login"; "p50")), col("two-pg"; lat("login"; "p50"))],
	         ["search p50 ms", col("single"; lat("search"; "p50")), col("two-pg"; lat("search"; "p50"))],
	         ["store p50 ms", col("single"; lat("store"; "p50")), col("two-pg"; lat("store"; "p50"))]]
	      end)
	    + [["CPU ms/op, all", col("single"; cpu), col("two-pg"; cpu)],
	       ["… of it nodes", col("single"; .cpu_nodes_ns / 1e6 / .ops), col("two-pg"; .cpu_nodes_ns / 1e6 / .ops)],
	       ["… PostgreSQL, our backends", 0, col("two-pg"; .cpu_pg_ns / 1e6 / .ops)],
	       ["… PostgreSQL, background", 0, col("two-pg"; .cpu_pgbg_ns / 1e6 / .ops)],
	       ["… versitygw", 0, col("two-pg"; .cpu_s3_ns / 1e6 / .ops)],
	       ["errors (all rounds)", (map(select(.setup == "single") | .errors) | add), (map(select(.setup == "two-pg") | .errors) | add)]])
	   | .[] | . as $row
	   | "| \($l) | \($row[0]) | \($row[1] | r2) | \($row[2] | r2) | \(if ($row[1] // 0) > 0 and ($row[0] | startswith("errors") | not) then ($row[2] / $row[1] | r2 | tostring) + "×" else "–" end) |")
' "$results"
cat <<EOF

Commands (ports chosen at run time; N is the round's share):

    single:    postroom bench smtp --port SMTP --rcpt $intake --messages $messages|$large --size 10k|200k --concurrency $conc --pid PID --json
    two nodes: postroom bench smtp --port SMTP_A ... --messages $((messages / 2))|$((large / 2)) --concurrency $half --pid PID_A --json &
               postroom bench smtp --port SMTP_B ... --messages $((messages - messages / 2))|$((large - large / 2)) --concurrency $half --pid PID_B --json
    single:    postroom bench imap-mixed --port IMAP --user $reader --password ... --duration $mixed --concurrency $conc --pid PID --json
    two nodes: postroom bench imap-mixed --port IMAP_A ... --concurrency $half & postroom bench imap-mixed --port IMAP_B ... --concurrency $half
    (mailbox: $preload messages of 10 KiB delivered over SMTP first, on each set-up)
EOF
