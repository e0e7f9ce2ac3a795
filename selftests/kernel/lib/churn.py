#!/usr/bin/env python3
"""Connection churn for stress_churn.sh: workers open short TCP connections
on teach_reno/teach_tahoe, switch live sockets between algorithms, and
check every byte arrives.  Writes a JSON summary of what it did."""
import argparse
import json
import multiprocessing as mp
import socket
import threading
import time

ALGOS = [b"teach_reno", b"teach_tahoe"]
SWITCH = [b"reno", b"teach_tahoe", b"cubic", b"teach_reno"]
PAYLOAD = 64 * 1024


def server(lsock, stop):
    while not stop.is_set():
        try:
            conn, _ = lsock.accept()
        except OSError:
            return
        threading.Thread(target=echo_len, args=(conn,), daemon=True).start()


RECEIVED = [0]
RECEIVED_LOCK = threading.Lock()


def echo_len(conn):
    """Count what arrives and answer with the count: the client checks it."""
    total = 0
    with conn:
        while True:
            b = conn.recv(1 << 16)
            if not b:
                break
            total += len(b)
        with RECEIVED_LOCK:
            RECEIVED[0] += total
        conn.sendall(str(total).encode())


def worker(idx, seconds, port, q):
    done = errors = switches = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        algo = ALGOS[(idx + done) % 2]
        try:
            s = socket.socket()
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, algo)
            s.connect(("127.0.0.1", port))
            s.sendall(b"a" * (PAYLOAD // 2))
            # Switch algorithm on the live socket, then back.
            for new in SWITCH[(done % 2):(done % 2) + 2]:
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, new)
                switches += 1
            s.sendall(b"b" * (PAYLOAD // 2))
            s.shutdown(socket.SHUT_WR)
            reply = b""
            while True:
                b = s.recv(64)
                if not b:
                    break
                reply += b
            s.close()
            if int(reply or b"-1") != PAYLOAD:
                errors += 1
            done += 1
        except OSError as e:
            if errors < 3:
                print(f"worker {idx}: {algo.decode()}: {e}", flush=True)
            errors += 1
            if errors >= 100:
                break
    q.put((done, errors, switches))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    # The listener holds the module for the whole run, so rmmod must be
    # refused throughout, not only while a connection happens to be open.
    lsock.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, ALGOS[0])
    lsock.listen(512)
    stop = threading.Event()
    port = lsock.getsockname()[1]
    q = mp.Queue()
    procs = [mp.Process(target=worker, args=(i, a.seconds, port, q))
             for i in range(a.workers)]
    threading.Thread(target=server, args=(lsock, stop), daemon=True).start()
    for p in procs:
        p.start()
    open(a.out + ".ready", "w").close()
    res = [q.get() for _ in procs]
    for p in procs:
        p.join()
    stop.set()
    lsock.close()
    conns = sum(r[0] for r in res)
    summary = {
        "connections": conns,
        "errors": sum(r[1] for r in res),
        "switches": sum(r[2] for r in res),
        "bytes_per_connection": PAYLOAD,
        "bytes_received": RECEIVED[0],
    }
    json.dump(summary, open(a.out, "w"))
    print(f"churn: {summary}", flush=True)
    return 0 if summary["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
