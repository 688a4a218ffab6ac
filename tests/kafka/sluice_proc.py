"""Processes of the test scripts: a `sluice broker` (started, its address read) and stopping a
process group (SIGTERM or another signal, then SIGKILL), one copy for every suite."""
import os
import select
import signal
import subprocess


def start_broker(sluice, topics, brokers=1, stdin=None):
    """A `sluice broker` with the topics [(name, partitions)], in a session of its own; its first
    stdout line is its address (broker_address). Returned at once, so that a caller can prepare
    its inputs while the broker creates its topics."""
    args = [sluice, "broker"] + (["--brokers", str(brokers)] if brokers != 1 else [])
    args += sum([["--topic", f"{t}:{n}"] for t, n in topics], [])
    return subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def read_line(p, timeout):
    """The next stdout line of p, stripped; "" when none comes within `timeout` seconds."""
    ready, _, _ = select.select([p.stdout], [], [], timeout)
    return p.stdout.readline().decode().strip() if ready else ""


def broker_address(p, timeout=60):
    """The bootstrap address broker p prints first; stops p and raises RuntimeError without one."""
    addr = read_line(p, timeout)
    if not addr:
        stop_group(p)
        raise RuntimeError(f"sluice broker printed no address within {timeout} s")
    return addr


def kill_group(p):
    """SIGKILLs a process started with start_new_session=True (its whole group) and reaps it."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    p.wait()


def stop_group(p, sig=signal.SIGTERM, grace=10):
    """Sends `sig` to p's process group, SIGKILL after `grace` seconds; returns the exit status."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, sig)
        except ProcessLookupError:
            pass
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            kill_group(p)
    return p.returncode
