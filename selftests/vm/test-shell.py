#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""`make shell` (run-vm.sh --shell), driven as a user does: through a
pseudo-terminal, typing commands and reading the screen.

  selftests/vm/test-shell.py [--kernel LABEL]     (make shell KERNEL=LABEL)

Checks: the guest shell has job control (no "no job control", `jobs`
lists a background job, Ctrl-C ends the foreground job and not the VM),
tcp_teach is loaded, the repository is the working directory, `exit`
powers the VM off with status 0 and the terminal's settings are as
before; and without a terminal on standard input run-vm.sh refuses at
once with a message that says so.  Exit 0 pass, 1 fail.
"""
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_VM = os.path.join(REPO, "selftests", "vm", "run-vm.sh")
BOOT_WAIT = 900     # TCG on a loaded 2-core host boots slowly
CMD_WAIT = 300

failures = []


def check(ok, what, detail=""):
    print(("ok: " if ok else "not ok: ") + what)
    if not ok:
        failures.append(what)
        if detail:
            print("  " + detail.replace("\n", "\n  "))


class Screen:
    """The master side of the pty: everything the user would see."""

    def __init__(self, fd, proc):
        self.fd, self.proc, self.text = fd, proc, ""

    def read_some(self, secs):
        r, _, _ = select.select([self.fd], [], [], secs)
        if not r:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:         # EIO: the other side is gone
            return None
        if not data:
            return None
        self.text += data.decode("utf-8", "replace")
        return True

    def expect(self, pattern, secs, since=0):
        """Wait for @pattern in the output after offset @since."""
        end = time.monotonic() + secs
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.text, since)
            if m:
                return m
            left = end - time.monotonic()
            got = self.read_some(min(left, 1.0)) if left > 0 else None
            # Once run-vm.sh has exited and its output is read, stop.
            if got is None or (not got and self.proc.poll() is not None):
                return rx.search(self.text, since)

    def type(self, s):
        os.write(self.fd, s.encode())

    def run(self, cmd, secs=CMD_WAIT):
        """Type @cmd, wait until it finished; return what it printed."""
        n = len(self.text)
        # The marker's digits only appear once the shell has computed them,
        # never in the echo of what was typed.
        sep = " " if cmd.endswith("&") else "; "
        self.type(cmd + sep + "echo \"@@done-$((40+2))-$?@@\"\r")
        m = self.expect(r"@@done-42-(\d+)@@", secs, n)
        if not m:
            return None, None
        out = self.text[n:m.start()]
        # Drop the echoed command line itself (readline may redraw it
        # when it wraps): the output starts after its last character.
        end = out.rfind('$?@@"')
        out = out[end + 5:].split("\n", 1)[1] if end >= 0 and "\n" in out[end:] else ""
        out = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out)
        return out.replace("\r", ""), int(m.group(1))


def no_terminal(args):
    p = subprocess.run([RUN_VM, "--shell"] + args, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=120)
    msg = p.stderr.strip()
    check(p.returncode == 2 and "terminal" in msg and "booting" not in msg,
          "without a terminal on stdin: refused at once, exit 2, says why",
          f"exit {p.returncode}, stderr: {msg!r}")
    p = subprocess.run([RUN_VM, "--shell"] + args + ["--", "true"],
                       capture_output=True, text=True, timeout=120,
                       stdin=subprocess.DEVNULL)
    check(p.returncode == 2 and "--shell" in p.stderr,
          "--shell with a command: a usage error naming --shell",
          f"exit {p.returncode}, stderr: {p.stderr.strip()!r}")


def interactive(args):
    make = ["make", "--no-print-directory", "-s", "-C", REPO, "shell"]
    if args:
        make.append("KERNEL=" + args[1])
    # Not the jobserver of a `make check` this may run under.
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(make, env=env, stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True,
                            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    scr = Screen(master, proc)
    try:
        prompt = scr.expect(r"tcpteach-vm:[^\r\n]*# ", BOOT_WAIT)
        check(prompt is not None, "a shell prompt appears",
              scr.text[-2000:])
        if not prompt:
            return
        out, rc = scr.run("head -1 /proc/net/tcp_teach")
        check(rc == 0 and out is not None and
              out.startswith("local remote cookie algo phase"),
              "cat /proc/net/tcp_teach: the module is loaded", repr(out))
        out, rc = scr.run("pwd")
        check(out is not None and out.strip() == REPO,
              "the working directory is the repository", repr(out))
        out, rc = scr.run("test -x build/tcpteach && build/tcpteach list | head -1")
        check(rc == 0 and out is not None and out.startswith("default "),
              "the repository's build/tcpteach runs", repr(out))
        out, rc = scr.run("sleep 100 &")
        out, rc = scr.run("jobs")
        check(out is not None and re.search(r"\[1\]\+ +Running +sleep 100 &", out),
              "sleep 100 & then jobs lists it", repr(out))
        # Ctrl-C while a foreground job runs: the job dies (130), the VM
        # and the shell stay.
        n = len(scr.text)
        scr.type("sleep 200\r")
        scr.expect(r"sleep 200", CMD_WAIT, n)
        time.sleep(3)
        scr.type("\x03")
        out, rc = scr.run("echo \"fg-rc=$?\"", 120)
        check(out is not None and "fg-rc=130" in out,
              "Ctrl-C ends the foreground job (status 130)",
              repr(scr.text[n:]))
        out, rc = scr.run("jobs; echo alive")
        check(out is not None and "alive" in out and "sleep 100" in out,
              "after Ctrl-C the shell and the background job are still there",
              repr(out))
        check("no job control" not in scr.text,
              "no 'no job control' message", scr.text[:2000])
        n = len(scr.text)
        scr.type("exit\r")
        try:
            rc = proc.wait(CMD_WAIT)
        except subprocess.TimeoutExpired:
            rc = None
        while scr.read_some(0.2):
            pass
        check(rc == 0, "exit: the VM powers off, make shell exits 0",
              f"exit {rc}; " + repr(scr.text[n:][-1500:]))
        after = termios.tcgetattr(slave)
        check(after == before, "the terminal's settings are restored",
              f"before {before[:4]}, after {after[:4]}")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        os.close(master)
        os.close(slave)


def main():
    args = sys.argv[1:]
    if args and (len(args) != 2 or args[0] != "--kernel"):
        sys.exit("usage: test-shell.py [--kernel LABEL]")
    no_terminal(args)
    interactive(args)
    if failures:
        print(f"FAIL: {len(failures)} check(s) failed")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
