#!/usr/bin/env bash
# Postroom against Dovecot (and Postfix delivering into Dovecot over LMTP)
# on this machine, in one run, alternating, with the same `postroom bench`
# workloads (issue 21). Prints each run's table and, at the end, the ratio
# Postroom / the others of the median of the rounds.
#
#   bench/compare.sh [--rounds 3] [--messages 500] [--size 10k] [--mixed 10s] [--dovecot-fts] [--keep]
#
# --dovecot-fts gives Dovecot the full-text index Postroom always keeps:
# the fts-xapian plugin (Debian's dovecot-fts-xapian), indexing each
# message after it is saved (fts_autoindex), as Postroom's indexer does.
# Without it Dovecot keeps no word index, and SEARCH BODY reads every
# message.
#
# Needs root (Dovecot's master runs as root with -F, its mail as nobody;
# Postfix as its own user), the Debian packages dovecot-imapd,
# dovecot-pop3d, dovecot-lmtpd and, for the SMTP comparison, postfix
# (installed when missing, if apt-get can). Every server listens on
# 127.0.0.1 on free high ports; every file lives in a temporary directory
# removed at the end (--keep keeps it). CPU comes from a cpuacct cgroup per
# server when the machine has one (docs/performance.md says why), else
# from `postroom bench --pid`. The figures and their reading are in
# docs/performance.md.
#
# What is compared:
#   imap-append  --nodelay=false   one connection, APPEND stream, a client with Nagle on (Python's imaplib)
#   imap-append  --nodelay=true    the same with TCP_NODELAY
#   imap-mixed                     10 clients: login, select, fetch 50 envelopes, fetch a body, search, store, noop, idle
#   pop3                           login, STAT, RETR of --messages messages
#   smtp                           10 sessions into the MX (Postroom) or Postfix → LMTP → Dovecot; 250 means
#                                  stored for Postroom, queued (fsynced) for Postfix, whose delivery into Dovecot
#                                  goes on after; the script waits for it and reports the time to the last file.
set -euo pipefail

rounds=3 messages=500 size=10k mixed=10s keep=0 fts=0
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--messages) messages=$2; shift 2 ;;
	--size) size=$2; shift 2 ;;
	--mixed) mixed=$2; shift 2 ;;
	--dovecot-fts) fts=1; shift ;;
	--keep) keep=1; shift ;;
	*) echo "usage: $0 [--rounds N] [--messages N] [--size 10k] [--mixed 10s] [--dovecot-fts] [--keep]" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" = 0 ] || { echo "compare.sh: run as root (Dovecot and Postfix are started here)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/postroom-compare.XXXXXX)
chmod 755 "$work" # Dovecot's auth and Postfix's daemons run as their own users
pids=()
cgroot=
cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "${postfix_dir:-}" ] && postfix -c "$postfix_dir" stop >/dev/null 2>&1
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	if [ -n "$cgroot" ]; then
		# What is left in our cgroups is ours (Dovecot's and Postfix's
		# daemons leave a moment after their master): wait, then end it.
		for _ in $(seq 50); do
			[ -z "$(cat "$cgroot"/*/cgroup.procs)" ] && break
			sleep 0.1
		done
		for p in $(cat "$cgroot"/*/cgroup.procs); do kill "$p" 2>/dev/null; done
		for _ in $(seq 50); do rmdir "$cgroot"/*/ "$cgroot" 2>/dev/null && break; sleep 0.1; done
	fi
	# Dovecot's indexer-worker (--dovecot-fts) may still be writing as it ends
	if [ "$keep" = 1 ]; then echo "kept $work"; else for _ in $(seq 20); do rm -rf "$work" 2>/dev/null && break; sleep 0.2; done; fi
}
trap cleanup EXIT

. "$(dirname "$0")/ports.sh"

user=bench@example.test password=bench-password-1

# CPU is read from a cpuacct cgroup per server when the machine has cgroup
# v1's cpuacct: every process a server forks is in it from birth, and its
# usage is exact. The --pid figure of `postroom bench` (/proc/PID/stat of
# the process tree) loses the CPU of children reaped between two readings
# in ways we have not pinned down (Dovecot's imap processes, now and
# then), so the ratios below use the cgroup when there is one.
if [ -w /sys/fs/cgroup/cpuacct ] && mkdir "/sys/fs/cgroup/cpuacct/${work##*/}" 2>/dev/null; then
	cgroot=/sys/fs/cgroup/cpuacct/${work##*/}
	mkdir "$cgroot/postroom" "$cgroot/dovecot" "$cgroot/postfix"
fi
# in_cgroup NAME command...: becomes the command, in the server's cgroup.
# Run it as a job (`in_cgroup x cmd &`: $! is then the command's pid) or in
# a subshell: it execs.
in_cgroup() {
	local name=$1
	shift
	[ -n "$cgroot" ] && echo "$BASHPID" >"$cgroot/$name/cgroup.procs"
	exec "$@"
}
# cg_ns NAME...: CPU nanoseconds so far of the servers' cgroups (0 without)
cg_ns() {
	local n=0 name
	for name in "$@"; do
		[ -n "$cgroot" ] && n=$((n + $(cat "$cgroot/$name/cpuacct.usage")))
	done
	echo "$n"
}

# settle NAME...: waits until the servers' cgroups are idle (under 2 % of
# a processor over half a second; a minute at most). Both servers write
# their word index after answering (Postroom's indexer; Dovecot's
# indexer-worker with --dovecot-fts): what one leaves running would fall
# on the next workload, the other server's. The cgroup CPU of a workload
# counts this work too.
settle() {
	[ -n "$cgroot" ] || return 0
	local a b
	for _ in $(seq 120); do
		a=$(cg_ns "$@")
		sleep 0.5
		b=$(cg_ns "$@")
		[ $((b - a)) -lt 10000000 ] && return 0
	done
}

# Packages: Dovecot's IMAP, POP3 and LMTP servers and Postfix, when missing.
need=()
[ -x /usr/lib/dovecot/imap ] || need+=(dovecot-imapd)
[ -x /usr/lib/dovecot/pop3 ] || need+=(dovecot-pop3d)
[ -x /usr/lib/dovecot/lmtp ] || need+=(dovecot-lmtpd)
command -v postfix >/dev/null || need+=(postfix)
xapian_plugin=/usr/lib/dovecot/modules/lib21_fts_xapian_plugin.so
[ "$fts" = 1 ] && [ ! -e "$xapian_plugin" ] && need+=(dovecot-fts-xapian)
if [ ${#need[@]} -gt 0 ]; then
	echo "installing ${need[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >"$work/apt.log" 2>&1 ||
		echo "compare.sh: could not install ${need[*]} (see $work/apt.log); going on without" >&2
fi
[ -x /usr/lib/dovecot/imap ] || { echo "compare.sh: Dovecot's IMAP server is missing (dovecot-imapd)" >&2; exit 1; }
[ "$fts" = 1 ] && [ ! -e "$xapian_plugin" ] && { echo "compare.sh: --dovecot-fts needs dovecot-fts-xapian" >&2; exit 1; }
have_pop3=0 have_postfix=0
[ -x /usr/lib/dovecot/pop3 ] && have_pop3=1
[ -x /usr/lib/dovecot/lmtp ] && command -v postfix >/dev/null && have_postfix=1

echo "building postroom"
(cd "$repo" && go build -o "$work/postroom" ./cmd/postroom)
bench() { "$work/postroom" bench "$@"; }

# --- Postroom -------------------------------------------------------------
pr=$work/postroom-data
pr_smtp=$(freeport) pr_imap=$(freeport) pr_pop3=$(freeport) pr_http=$(freeport)
"$work/postroom" init --data "$pr" --domain example.test --admin admin@example.test --password admin-password-1 >/dev/null
"$work/postroom" user add --data "$pr" "$user" --password "$password" >/dev/null
cat >"$work/postroom.toml" <<EOF
hostname = "mx.example.test"
data_dir = "$pr"
# no DNS server out of this machine: SPF and friends get a quick refusal
dns_server = "127.0.0.1:9"

[listen]
smtp = "127.0.0.1:$pr_smtp"
submission = ""
submissions = ""
imap = "127.0.0.1:$pr_imap"
imaps = ""
pop3 = "127.0.0.1:$pr_pop3"
pop3s = ""
http = "127.0.0.1:$pr_http"
https = ""
EOF
in_cgroup postroom "$work/postroom" serve --config "$work/postroom.toml" --data "$pr" >"$work/postroom.log" 2>&1 &
pr_pid=$!
pids+=("$pr_pid")
waitport "$pr_imap"; waitport "$pr_smtp"; waitport "$pr_pop3"
echo "postroom: pid $pr_pid, smtp $pr_smtp, imap $pr_imap, pop3 $pr_pop3"

# --- Dovecot --------------------------------------------------------------
dv=$work/dovecot
mkdir -p "$dv/run" "$dv/state" "$dv/mail"
chown nobody:nogroup "$dv/mail"
dv_imap=$(freeport) dv_pop3=$(freeport) dv_lmtp=$(freeport)
printf '%s:{PLAIN}%s\n' "$user" "$password" >"$dv/users"
protocols="imap"
[ "$have_pop3" = 1 ] && protocols="$protocols pop3"
[ "$have_postfix" = 1 ] && protocols="$protocols lmtp"
cat >"$dv/dovecot.conf" <<EOF
# Throwaway Dovecot for bench/compare.sh: Maildir, passwd-file, fsync as
# Debian ships it (optimized), no FTS plugin, plaintext on loopback.
protocols = $protocols
listen = 127.0.0.1
base_dir = $dv/run
state_dir = $dv/state
log_path = $dv/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:$dv/mail/%d/%n/Maildir
mail_fsync = optimized
# Dovecot refuses uid 0 for mail; nobody owns the throwaway Maildir.
mail_uid = nobody
mail_gid = nogroup
mail_max_userip_connections = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $dv/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$dv/mail/%d/%n
}
service imap-login {
  inet_listener imap {
    port = $dv_imap
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $dv_pop3
  }
  inet_listener pop3s {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $dv_lmtp
  }
}
service submission-login {
  inet_listener submission {
    port = 0
  }
}
EOF
if [ "$fts" = 1 ]; then
	cat >>"$dv/dovecot.conf" <<EOF
# --dovecot-fts: a word index, written after each message is saved, as
# Postroom's is
mail_plugins = \$mail_plugins fts fts_xapian
plugin {
  fts = xapian
  fts_xapian = partial=2 full=20 verbose=0
  fts_autoindex = yes
  fts_enforced = yes
}
service indexer-worker {
  vsz_limit = 2G
}
EOF
fi
in_cgroup dovecot dovecot -c "$dv/dovecot.conf" -F >"$work/dovecot.out" 2>&1 &
dv_pid=$!
pids+=("$dv_pid")
waitport "$dv_imap"
dv_index="no word index"
[ "$fts" = 1 ] && dv_index="fts-xapian, autoindex"
echo "dovecot $(dovecot --version | cut -d' ' -f1) ($dv_index): pid $dv_pid, imap $dv_imap, pop3 $dv_pop3, lmtp $dv_lmtp"

# --- Postfix → LMTP → Dovecot ---------------------------------------------
pf_smtp=
if [ "$have_postfix" = 1 ]; then
	postfix_dir=$work/postfix
	mkdir -p "$postfix_dir/queue" "$postfix_dir/data"
	chown postfix "$postfix_dir/data"
	pf_smtp=$(freeport)
	printf '%s x\n' "$user" >"$postfix_dir/vmailbox"
	sed -e 's/^smtp\( *\)inet.*/#&/' /etc/postfix/master.cf >"$postfix_dir/master.cf"
	echo "127.0.0.1:$pf_smtp inet n - n - - smtpd" >>"$postfix_dir/master.cf"
	cat >"$postfix_dir/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $postfix_dir/queue
data_directory = $postfix_dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.bench.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
virtual_mailbox_domains = example.test
virtual_mailbox_maps = texthash:$postfix_dir/vmailbox
virtual_transport = lmtp:inet:127.0.0.1:$dv_lmtp
disable_dns_lookups = yes
smtp_dns_support_level = disabled
maillog_file = $postfix_dir/maillog
maillog_file_prefixes = $postfix_dir
message_size_limit = 104857600
EOF
	postfix -c "$postfix_dir" check >"$work/postfix-check.log" 2>&1 || true
	if (in_cgroup postfix postfix -c "$postfix_dir" start) >"$work/postfix.out" 2>&1 && waitport "$pf_smtp"; then
		pf_master=$(head -1 "$postfix_dir/queue/pid/master.pid" | tr -d ' ')
		echo "postfix $(postconf -d -h mail_version): master pid $pf_master, smtp $pf_smtp"
	else
		echo "compare.sh: Postfix did not start; SMTP is compared with nothing" >&2
		tail -5 "$postfix_dir/maillog" >&2 || true
		pf_smtp=
		postfix_dir=
	fi
fi

maildir_count() { ls -f "$dv/mail/example.test/bench/Maildir/new" "$dv/mail/example.test/bench/Maildir/cur" 2>/dev/null | grep -vc '^\.' || true; }

# tree_cpu PID...: CPU seconds (user + system, children waited for
# included) of the processes and all their descendants, as
# loadgen.TreeCPU reckons it: for Postfix, whose delivery into Dovecot goes
# on after its 250.
tree_cpu() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v roots="$*" '
		{ i = index($0, ") "); split(substr($0, i + 2), f, " ")
		  pid = $1; ppid[pid] = f[2]; t[pid] = f[12] + f[13] + f[14] + f[15] }
		END { n = split(roots, r, " "); for (k = 1; k <= n; k++) keep[r[k]] = 1
		      do { added = 0; for (p in ppid) if (!(p in keep) && (ppid[p] in keep)) { keep[p] = 1; added = 1 } } while (added)
		      for (p in keep) s += t[p]; printf "%.2f\n", s / 100 }'
}

# rss PID: the process's resident set now and at its peak (VmRSS, VmHWM), KiB
rss() { awk '/^VmRSS|^VmHWM/ {printf "%s %s KiB  ", $1, $2}' "/proc/$1/status"; }
echo "postroom idle after start: $(rss "$pr_pid")"

# --- the rounds -----------------------------------------------------------
results=$work/results.jsonl
: >"$results"
record() { # SERVER WORKLOAD LABEL CGROUPS bench-args...: run, print the table, keep the JSON
	local server=$1 workload=$2 label=$3 groups=$4
	shift 4
	local out cg0 cg1
	cg0=$(cg_ns $groups)
	out=$(bench "$workload" --json "$@") || echo "($server $label: errors)" >&2
	[ -n "${no_settle:-}" ] || settle $groups
	cg1=$(cg_ns $groups)
	if ! printf '%s\n' "$out" | jq -e .workload >/dev/null 2>&1; then
		echo "$server $label: no result" >&2
		return 0
	fi
	printf '%s\n' "$out" | jq -c --arg s "$server" --arg l "$label" --argjson cg $((cg1 - cg0)) \
		'. + {server: $s, label: $l, cgroup_cpu_ns: $cg}' >>"$results"
	printf '%s\n' "$out" | jq -r --arg s "$server" --arg l "$label" --argjson cg $((cg1 - cg0)) \
		'"\($s) \($l): " + (.ops | map("\(.name) \(.ops) ops \(.errors) err \(.per_sec|floor)/s p50 \(.p50_ns/1e6*100|floor/100) ms p99 \(.p99_ns/1e6*100|floor/100) ms") | join("; ")) + "; cpu (--pid) \((.target_cpu_ns // 0)/1e9) s, cgroup \($cg/1e9) s"
		+ (if (.first_errors // []) == [] then "" else "; first errors: " + (.first_errors | join(" | ")) end)'
}

for round in $(seq "$rounds"); do
	echo "== round $round"
	for server in postroom dovecot; do
		if [ $server = postroom ]; then imap=$pr_imap pop3=$pr_pop3 pid=$pr_pid; else imap=$dv_imap pop3=$dv_pop3 pid=$dv_pid; fi
		common=(--user "$user" --password "$password" --pid "$pid")
		record $server imap-append append-nagle $server --port "$imap" --messages "$messages" --size "$size" --nodelay=false "${common[@]}"
		record $server imap-append append-nodelay $server --port "$imap" --messages "$messages" --size "$size" --nodelay=true "${common[@]}"
		record $server imap-mixed mixed $server --port "$imap" --duration "$mixed" --concurrency 10 "${common[@]}"
		if [ $server = postroom ] || [ "$have_pop3" = 1 ]; then
			record $server pop3 pop3 $server --port "$pop3" --messages "$messages" "${common[@]}"
		fi
		if [ $server = postroom ]; then
			record postroom smtp smtp postroom --port "$pr_smtp" --rcpt "$user" --messages "$messages" --size "$size" --concurrency 10 --pid "$pr_pid"
			# Postroom's 250 comes after the message is stored: stored is the same run.
			tail -1 "$results" | jq -c '. + {label: "smtp-stored"}' >>"$results"
		elif [ -n "$pf_smtp" ]; then
			before=$(maildir_count)
			cpu0=$(tree_cpu "$pf_master" "$dv_pid") cg0=$(cg_ns postfix dovecot)
			start=$(date +%s.%N)
			# settled after its delivery into Dovecot, not before
			no_settle=1 record postfix smtp smtp "postfix dovecot" --port "$pf_smtp" --rcpt "$user" --messages "$messages" --size "$size" --concurrency 10 --pid "$pf_master,$dv_pid"
			for _ in $(seq 1200); do [ "$(maildir_count)" -ge $((before + messages)) ] && break; sleep 0.1; done
			took=$(echo "$(date +%s.%N) - $start" | bc)
			settle postfix dovecot
			cpu=$(echo "$(tree_cpu "$pf_master" "$dv_pid") - $cpu0" | bc) cg=$(($(cg_ns postfix dovecot) - cg0))
			echo "postfix smtp-stored: $(($(maildir_count) - before)) of $messages in Dovecot's Maildir ${took} s after the first MAIL FROM, CPU ${cpu} s (process tree), $(echo "$cg / 1000000000" | bc -l | cut -c1-5) s (cgroups)"
			jq -nc --argjson n "$messages" --argjson t "$took" --argjson c "$cpu" --argjson cg "$cg" \
				'{server: "postfix", label: "smtp-stored", workload: "smtp", wall_ns: ($t*1e9),
				  target_cpu_ns: ($c*1e9), cgroup_cpu_ns: $cg, ops: [{name: "deliver", ops: $n, per_sec: ($n/$t)}]}' >>"$results"
		fi
	done
done

# --- memory and disk ------------------------------------------------------
# Both servers now hold the same messages (APPENDs, and SMTP: Postroom's
# own, Postfix's through LMTP into Dovecot). Postroom's data directory holds
# the database (with its WAL), the message files and the search index;
# Dovecot's the Maildir with its index and cache files.
echo
echo "postroom after the rounds: $(rss "$pr_pid")"
echo "disk: postroom $(du -sb "$pr" | cut -f1) bytes ($(du -sb "$pr/blobs" | cut -f1) in message files), dovecot $(du -sb "$dv/mail" | cut -f1) bytes for $(maildir_count) messages"

# --- the ratios -----------------------------------------------------------
echo
echo "medians of $rounds rounds; ratio = Postroom / the other (throughput: higher is better for Postroom; CPU per op: lower is)"
jq -s -r '
	def median: sort | if length == 0 then null else .[(length - 1) / 2 | floor] end;
	def main: if .workload == "imap-mixed" then ([.ops[].ops] | add) / (.wall_ns / 1e9)
		else (.ops[] | select(.name == "append" or .name == "retr" or .name == "deliver") | .per_sec) end;
	def count: if .workload == "imap-mixed" then ([.ops[].ops] | add) else (.ops[] | select(.name == "append" or .name == "retr" or .name == "deliver") | .ops) end;
	def cpu: (if (.cgroup_cpu_ns // 0) > 0 then .cgroup_cpu_ns else (.target_cpu_ns // 0) end) / 1e6 / count;
	group_by(.label) | .[] | . as $g
	| ($g | map(select(.server == "postroom"))) as $p
	| ($g | map(select(.server != "postroom"))) as $o
	| select(($o | length) > 0)
	| [$g[0].label, ($o[0].server),
	   ($p | map(main) | median), ($o | map(main) | median),
	   (($p | map(main) | median) / ($o | map(main) | median)),
	   ($p | map(cpu) | median), ($o | map(cpu) | median)]
	| "\(.[0])\t\(.[1])\tpostroom \(.[2]*10|floor/10)/s\tother \(.[3]*10|floor/10)/s\tratio \(.[4]*100|floor/100)\tCPU ms/op postroom \(.[5]*100|floor/100) other \(.[6]*100|floor/100)"
' "$results" | column -t -s $'\t'
echo
echo "per-operation p50 of imap-mixed (ms, median of rounds)"
jq -s -r '
	def median: sort | .[(length - 1) / 2 | floor];
	map(select(.label == "mixed")) as $m
	| ($m | [.[].ops[].name] | unique)[] as $n
	| [$n,
	   ($m | map(select(.server == "postroom") | .ops[] | select(.name == $n) | .p50_ns / 1e6) | median),
	   ($m | map(select(.server == "dovecot") | .ops[] | select(.name == $n) | .p50_ns / 1e6) | median)]
	| "\(.[0])\tpostroom \(.[1]*100|floor/100)\tdovecot \(.[2]*100|floor/100)"' "$results" | column -t -s $'\t'
