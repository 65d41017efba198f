# Sourced by the benchmark scripts of bench/: loopback ports chosen at run
# time, waiting for a server to listen on one, and a process's CPU.

# freeport: a free port on 127.0.0.1.
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# waitport PORT: until something listens on 127.0.0.1:PORT (60 s at most:
# a server in a cluster of two may first wait for its database).
waitport() {
	for _ in $(seq 600); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "$(basename "$0"): nothing listens on 127.0.0.1:$1" >&2
	return 1
}

# proc_ns PID...: CPU (user + system, waited-for children included) in ns,
# from /proc.
proc_ns() {
	local p n=0 f
	for p in "$@"; do
		f=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		n=$((n + (${12} + ${13} + ${14} + ${15}) * 10000000))
	done
	echo "$n"
}
