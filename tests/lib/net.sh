# tests/lib/net.sh - loopback helpers for the services the tests start:
# a free port, and whether a server greets (sourced by lib.sh)

# free_port - a TCP port on 127.0.0.1 nobody listens on now
free_port() {
    python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

# greets PORT GREETING BYE - a server on 127.0.0.1:PORT answers with a
# line starting GREETING (then BYE is sent to part politely)
greets() {
    python3 - "$@" <<'EOF'
import socket, sys
port, greeting, bye = int(sys.argv[1]), sys.argv[2].encode(), sys.argv[3]
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    ok = s.recv(512).startswith(greeting)
    s.sendall(bye.encode() + b"\r\n")
    s.close()
except OSError:
    ok = False
sys.exit(0 if ok else 1)
EOF
}
