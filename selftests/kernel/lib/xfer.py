#!/usr/bin/env python3
"""Bulk transfer for the fault tests: the sender streams SIZE pseudo-random
bytes on a chosen congestion control and prints their SHA-256; the
receiver prints the SHA-256 of what arrived.  Errors print 'error ...' and
exit 1, so a test can tell a clean failure from a hang.

With --pause-at N the sender stops after N bytes, prints 'paused' and waits
for --resume-file to exist: the test breaks the path at that moment, so a
fault lands mid-transfer however fast or slow the machine is."""
import argparse
import hashlib
import os
import socket
import struct
import sys
import time

TCP_USER_TIMEOUT = 18


def wait_for_resume(path):
    print("paused", flush=True)
    deadline = time.monotonic() + 120
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise OSError(f"paused for 120 s: {path} never appeared")
        time.sleep(0.05)


def send(a):
    h = hashlib.sha256()
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, a.cc.encode())
    # Give up after this long without progress instead of retrying for
    # the default ~15 minutes: a dead path must fail, not hang.
    s.setsockopt(socket.IPPROTO_TCP, TCP_USER_TIMEOUT, a.user_timeout_ms)
    s.settimeout(120)
    try:
        s.connect((a.host, a.port))
        left = a.size
        seed = 1
        pause_at = a.pause_at
        while left:
            chunk = min(left, 65536)
            seed = (seed * 6364136223846793005 + 1442695040888963407) % (1 << 64)
            block = (struct.pack("<Q", seed) * (chunk // 8 + 1))[:chunk]
            h.update(block)
            s.sendall(block)
            left -= chunk
            if pause_at and a.size - left >= pause_at:
                pause_at = 0
                wait_for_resume(a.resume_file)
        s.shutdown(socket.SHUT_WR)
        # Wait for the receiver to close: everything was delivered.
        if s.recv(1) != b"":
            raise OSError("unexpected data from the receiver")
        info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 232)
        retrans = struct.unpack_from("<I", info, 100)[0]  # tcpi_total_retrans
        print(f"stats retransmitted={retrans}")
    except OSError as e:
        print(f"error {e}")
        return 1
    print(f"sha256 {h.hexdigest()}")
    return 0


def recv(a):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", a.port))
    ls.listen(1)
    ls.settimeout(a.timeout)
    print("listening", flush=True)
    h = hashlib.sha256()
    n = 0
    try:
        c, _ = ls.accept()
        c.settimeout(a.timeout)
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            h.update(b)
            n += len(b)
        c.close()
    except OSError as e:
        print(f"error {e} after {n} bytes")
        return 1
    print(f"bytes {n}")
    print(f"sha256 {h.hexdigest()}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["send", "recv"])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cc", default="teach_reno")
    ap.add_argument("--size", type=int, default=1000000)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--user-timeout-ms", type=int, default=20000)
    ap.add_argument("--pause-at", type=int, default=0, metavar="BYTES")
    ap.add_argument("--resume-file", metavar="PATH")
    a = ap.parse_args()
    if a.pause_at and not a.resume_file:
        ap.error("--pause-at needs --resume-file PATH (the file that ends the pause)")
    return send(a) if a.mode == "send" else recv(a)


if __name__ == "__main__":
    sys.exit(main())
