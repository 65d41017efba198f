# Sourced by the benchmark scripts of bench/: loopback ports chosen at run
# time, and waiting for a server to listen on one.

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
