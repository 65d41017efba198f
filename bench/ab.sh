#!/bin/bash
# A/B benchmark of two Postroom builds: each serves its own fresh data
# directory on ports chosen now, and the same `postroom bench` workload
# loads them alternately, A then B, ROUNDS times; the medians of rate and
# CPU per operation are printed with their ratio B/A. The machine's load
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
		"$bin" bench "$workload" --port "${port[$name]}" "${auth[@]}" --pid "${pid[$name]}" --json "$@" |
			jq -c --arg n "$name" '{n: $n, ops: ([.ops[].ops] | add), per_sec: ([.ops[].per_sec] | add), cpu_ns: .target_cpu_ns}' >>"$work/results"
		tail -1 "$work/results"
	done
done
jq -s -r '
	def median: sort | if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end;
	group_by(.n) | map({n: .[0].n, rate: (map(.per_sec) | median), cpu: (map(.cpu_ns / .ops / 1e6) | median)}) as $m
	| "medians of \($m[0] | .n) and \($m[1] | .n): ops/s \($m[0].rate * 10 | round / 10) -> \($m[1].rate * 10 | round / 10) (x\($m[1].rate / $m[0].rate * 100 | round / 100)); CPU ms/op \($m[0].cpu * 100 | round / 100) -> \($m[1].cpu * 100 | round / 100) (x\($m[1].cpu / $m[0].cpu * 100 | round / 100))"
' "$work/results"
