#!/bin/bash
# A/B benchmark of two Postroom builds: each serves its own fresh data
# directory on ports chosen now, and the same `postroom bench` workload
# loads them alternately, A then B, ROUNDS times; the medians of rate and
# CPU per operation are printed with their ratio B/A: the CPU of the run,
# and that with the server's work after its last answer (its search
# index), waited for before the next run starts. The machine's load
# moves both alike within a round, so the ratio of the medians is what to
# read (docs/performance.md).
#
#   bench/ab.sh OLD NEW ROUNDS -- WORKLOAD [postroom bench flags]
#   bench/ab.sh /tmp/postroom-before /tmp/postroom-after 3 -- smtp --size 10k --messages 500
#
# OLD and NEW are postroom binaries (`go build -o ... ./cmd/postroom` at
# two commits). The workload's port, user and --pid are set here; SMTP
# sends to bench@example.test without AUTH.
set -euo pipefail

[ $# -ge 5 ] && [ "$4" = -- ] || { echo "usage: $0 OLD NEW ROUNDS -- WORKLOAD [flags]" >&2; exit 2; }
old=$(realpath "$1") new=$(realpath "$2") rounds=$3
shift 4
workload=$1
shift

work=$(mktemp -d /tmp/postroom-ab.XXXXXX)
pids=()
cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT

. "$(dirname "$0")/ports.sh"

user=bench@example.test password=bench-password-1
declare -A port pid
# start NAME BINARY: a server on a fresh data directory
start() {
	local name=$1 bin=$2 data=$work/$1
	"$bin" init --data "$data" --domain example.test --admin admin@example.test --password admin-password-1 >/dev/null
	"$bin" user add --data "$data" "$user" --password "$password" >/dev/null
	local smtp imap pop3 http
	smtp=$(freeport) imap=$(freeport) pop3=$(freeport) http=$(freeport)
	cat >"$work/$name.toml" <<EOF
hostname = "mx.example.test"
data_dir = "$data"
dns_server = "127.0.0.1:9"

[listen]
smtp = "127.0.0.1:$smtp"
submission = ""
submissions = ""
imap = "127.0.0.1:$imap"
imaps = ""
pop3 = "127.0.0.1:$pop3"
pop3s = ""
http = "127.0.0.1:$http"
https = ""
EOF
	"$bin" serve --config "$work/$name.toml" --data "$data" >"$work/$name.log" 2>&1 &
	pid[$name]=$!
	pids+=("$!")
	waitport "$smtp"
	waitport "$imap"
	case $workload in
	smtp) port[$name]=$smtp ;;
	pop3) port[$name]=$pop3 ;;
	web) port[$name]=$http ;;
	*) port[$name]=$imap ;;
	esac
}
start a "$old"
start b "$new"

# settle PID: until the process has used no CPU for half a second (a
# minute at most): the work it does after its last answer (the search
# index's) is counted in its run, and does not fall on the next one.
settle() {
	local before after
	before=$(proc_ns "$1")
	for _ in $(seq 120); do
		sleep 0.5
		after=$(proc_ns "$1")
		[ "$after" = "$before" ] && return 0
		before=$after
	done
}

auth=(--user "$user" --password "$password")
[ "$workload" = smtp ] && auth=(--rcpt "$user")
# The order alternates (a b, b a, ...): whichever runs second in a round
# was seen to gain up to a tenth on this machine, the same build on both.
for r in $(seq "$rounds"); do
	order="a b"
	[ $((r % 2)) = 0 ] && order="b a"
	for name in $order; do
		bin=$old
		[ "$name" = b ] && bin=$new
		settle "${pid[a]}"
		settle "${pid[b]}"
		c0=$(proc_ns "${pid[$name]}")
		"$bin" bench "$workload" --port "${port[$name]}" "${auth[@]}" --pid "${pid[$name]}" --json "$@" >"$work/run.json"
		settle "${pid[$name]}"
		jq -c --arg n "$name" --argjson total $(($(proc_ns "${pid[$name]}") - c0)) \
			'{n: $n, ops: ([.ops[].ops] | add), per_sec: ([.ops[].per_sec] | add), cpu_ns: .target_cpu_ns, total_cpu_ns: $total}' \
			"$work/run.json" >>"$work/results"
		tail -1 "$work/results"
	done
done
jq -s -r '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	def ratio(a; b): "\(a * 100 | round / 100) -> \(b * 100 | round / 100) (x\(b / a * 100 | round / 100))";
	group_by(.n) | map({n: .[0].n, rate: (map(.per_sec) | median), cpu: (map(.cpu_ns / .ops / 1e6) | median),
		total: (map(.total_cpu_ns / .ops / 1e6) | median)}) as $m
	| "medians of \($m[0] | .n) and \($m[1] | .n): ops/s \(ratio($m[0].rate; $m[1].rate)); CPU ms/op \(ratio($m[0].cpu; $m[1].cpu)); with the work after the run \(ratio($m[0].total; $m[1].total))"
' "$work/results"
