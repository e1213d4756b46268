"""Real servers for the tests that need them as separate processes (app servers, Redis): a free
loopback port, a start that waits until the port answers, a stop that ends the whole group."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

STARTUP_SECONDS = 60


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command, port, folder, name, **options):
    """Run `command` in a session of its own, its output in `folder`/`name`.log, and return the
    process once something listens on `port`; fail, with the log, if nothing does."""
    log = Path(folder) / f"{name}.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True, **options)
    wait_until_listening(process, port, log)
    return process


def stop(process):
    """The process and its children (gunicorn's workers): they run in a session of their own."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_until_listening(process, port, log):
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} stopped with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    stop(process)
    pytest.fail(f"nothing listened on port {port} after {STARTUP_SECONDS} s:\n{log.read_text()}")
