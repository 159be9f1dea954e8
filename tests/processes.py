"""Servers the tests start in processes of their own (redis-server, gunicorn), stopped whatever happens."""
import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from types import SimpleNamespace

import pytest

needs_redis_server = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs Redis's redis-server (scripts/run-tests installs it)"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, process, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode} before it listened on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def running(command, port, **popen):
    """The command started (it must listen on `port`), and stopped on leaving, whatever happens."""
    process = subprocess.Popen(command, **popen)
    try:
        wait_until_listening(port, process)
        yield process
    finally:
        stop(process)


@contextlib.contextmanager
def redis_server():
    """
    A throwaway redis-server on a free port, keeping nothing on disk: .url, .stop() for an outage
    and .restart() for a server that comes back empty on the same port.
    """
    port = free_port()
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as stack:
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--dir", folder]
        process = stack.enter_context(running(command, port, stdout=subprocess.DEVNULL))

        def restart():
            stop(process)
            stack.enter_context(running(command, port, stdout=subprocess.DEVNULL))

        yield SimpleNamespace(url=f"redis://127.0.0.1:{port}/0", stop=lambda: stop(process), restart=restart)
