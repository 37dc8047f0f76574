"""A serial run's child processes ask the parent to open the shared ledger, once, when the first starts.

A serial run keeps its budgets in memory (a call costs tens of µs there, ~1 ms in SQLite). Only a
Python child process needs the shared ledger (:mod:`.children`): its bootstrap calls :func:`request`
before its first call, and the parent's :class:`JoinServer` thread creates the ledger file and
moves the session budget into it (spend and calls in flight, atomically) before it answers. The
child then checks every call against the whole run's spend; the parent does too, from then on.

The channel: a Unix socket in the run's private directory (mode 0700), or, where there is none, a
TCP socket on 127.0.0.1 that answers only a request carrying the run's random token. Standard
library only; no pytest.
"""

from __future__ import annotations

import os
import secrets
import socket
import threading
from collections.abc import Callable

__all__ = ["JoinServer", "request"]

_UNIX_MAX = 100  # sun_path is 104-108 bytes


class JoinServer:
    """The parent's side: a daemon thread that runs ``on_join`` for each request (it must be idempotent)."""

    def __init__(self, directory: str, on_join: Callable[[], None]) -> None:
        self.token = secrets.token_hex(16)
        self.on_join = on_join
        self.closed = False
        path = os.path.join(directory, "join.sock")
        if hasattr(socket, "AF_UNIX") and len(path) < _UNIX_MAX:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.bind(path)
            self.address = "unix:" + path
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.bind(("127.0.0.1", 0))
            self.address = "tcp:127.0.0.1:%d" % self.sock.getsockname()[1]
        self.sock.listen(16)
        self._thread = threading.Thread(target=self._serve, name="tokenbudget-join", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                try:
                    conn.settimeout(10)
                    if self.closed or _read_line(conn) != self.token:
                        continue
                    try:
                        self.on_join()
                        reply = "ok"
                    except Exception as exc:  # the child says it is not measured, and why
                        reply = f"error {type(exc).__name__}: {exc}"[:300]
                    conn.sendall(reply.encode("utf-8", "replace") + b"\n")
                except OSError:
                    continue

    def close(self) -> None:
        self.closed = True
        try:  # wake the thread from accept()
            with _connect(self.address, 2.0) as s:
                s.sendall(b"\n")
        except OSError:
            pass
        self._thread.join(5)
        self.sock.close()
        if self.address.startswith("unix:"):
            try:
                os.unlink(self.address[5:])
            except OSError:
                pass


def _connect(address: str, timeout: float) -> socket.socket:
    kind, _, where = address.partition(":")
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        target: object = where
    else:
        host, _, port = where.rpartition(":")
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        target = (host, int(port))
    s.settimeout(timeout)
    try:
        s.connect(target)
    except BaseException:
        s.close()
        raise
    return s


def _read_line(conn: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\n") and len(data) < 1024:
        chunk = conn.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", "replace").strip()


def request(address: str, token: str, timeout: float = 30.0) -> None:
    """The child's side: return once the parent has opened the shared ledger; raise ``RuntimeError``
    (with the parent's reason) or ``OSError`` otherwise."""
    with _connect(address, timeout) as s:
        s.sendall(token.encode("ascii") + b"\n")
        reply = _read_line(s)
    if reply != "ok":
        raise RuntimeError(f"the run could not open its shared ledger: {reply or 'no answer'}")
