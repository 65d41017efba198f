#!/usr/bin/env python3
"""IMAP APPEND throughput of Python's imaplib as shipped (Nagle on) and
with TCP_NODELAY, against any IMAP server (issue 21).

    bench/imap_append.py HOST PORT USER PASSWORD [COUNT] [SIZE]

Prints messages per second for both, alternating, three rounds each; the
ratio between the two lines is the figure to report, not the absolute
rates, which depend on the machine.
"""
import imaplib
import socket
import sys
import time


def run(host, port, user, password, nodelay, count, size):
    c = imaplib.IMAP4(host, port)
    if nodelay:
        c.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.login(user, password)
    line = "Postroom APPEND benchmark 한국어 본문 English text\r\n".encode()
    body = b"From: bench@example.test\r\nSubject: bench\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    body += line * max(1, size // len(line))
    start = time.monotonic()
    for _ in range(count):
        typ, _ = c.append("INBOX", None, None, body)
        if typ != "OK":
            raise SystemExit("APPEND refused")
    took = time.monotonic() - start
    c.logout()
    return count / took


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__)
    host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    size = int(sys.argv[6]) if len(sys.argv) > 6 else 10000
    for _ in range(3):
        for nodelay in (False, True):
            rate = run(host, port, user, password, nodelay, count, size)
            print(f"{'TCP_NODELAY' if nodelay else 'stock (Nagle on)':16} {size} bytes: {rate:7.1f} msg/s")


if __name__ == "__main__":
    main()
