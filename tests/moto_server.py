"""moto's server in a subprocess, for every test that needs a local AWS.

One class for the suite: tests/test_handler.py uses it as it is (SageMaker Runtime with seeded
predictions); tests/e2e_support.py subclasses it with an explicit AWS environment and boto3
clients. The server binds 127.0.0.1 on a free port and is stopped by PID (terminate, then kill)
by whoever started it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Self

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """``python -m moto.server`` on 127.0.0.1 and a free port; use as a context manager.

    ``log_path`` receives the server's output (its access log, which ``answered`` reads); without
    one, a temporary file does, deleted when the server stops. ``env`` is the server's whole
    environment; without one, it inherits this process's.
    """

    def __init__(
        self,
        log_path: Path | None = None,
        env: dict[str, str] | None = None,
        startup_timeout: float = 20.0,
    ) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.env = env
        self.log_path = log_path
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._temporary_log: Path | None = None
        # Talks to the server directly: no proxy from the environment applies.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def __enter__(self) -> Self:
        if self.log_path is None:
            handle, name = tempfile.mkstemp(prefix="moto-server-", suffix=".log")
            os.close(handle)
            self.log_path = self._temporary_log = Path(name)
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
            )
        deadline = time.monotonic() + self._startup_timeout
        while True:
            try:
                with self._opener.open(f"{self.url}/moto-api/", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                exit_code = self._proc.poll()
                if exit_code is None and time.monotonic() <= deadline:
                    time.sleep(0.05)
                    continue
                why = (
                    f"no answer within {self._startup_timeout:g} s"
                    if exit_code is None
                    else f"exited with {exit_code}"
                )
                log_tail = self.log_path.read_text(errors="replace")[-2000:]
                self.__exit__()
                raise RuntimeError(f"moto server did not start ({why}):\n{log_tail}") from None

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=5)
            self._proc = None
        if self._temporary_log is not None:
            with contextlib.suppress(OSError):
                self._temporary_log.unlink()
            self.log_path = self._temporary_log = None

    def _post(self, path: str, payload: dict[str, Any] | None = None) -> None:
        request = urllib.request.Request(
            f"{self.url}{path}",
            data=json.dumps(payload or {}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with self._opener.open(request, timeout=10):
            pass

    def reset(self) -> None:
        """Forget every seeded and remembered result."""
        self._post("/moto-api/reset")

    def seed(
        self, *results: dict[str, str], account_id: str | None = None, region: str | None = None
    ) -> None:
        """Queue InvokeEndpoint results (moto's endpoint-results API; any endpoint name).

        Each result: Body, ContentType, InvokedProductionVariant, CustomAttributes. moto hands
        the next queued result to the next InvokeEndpoint call with new details (body, Accept
        and X-Amzn-SageMaker-* headers; moto 5.2.5 ignores the endpoint name) and remembers it:
        the same call again gets the same result without taking another from the queue.
        ``account_id`` and ``region`` default to moto's.
        """
        payload: dict[str, Any] = {"results": list(results)}
        if account_id is not None:
            payload["account_id"] = account_id
        if region is not None:
            payload["region"] = region
        self._post("/moto-api/static/sagemaker/endpoint-results", payload)

    def answered(self, method: str, path: str) -> int:
        """How many METHOD PATH requests the server has answered so far (its access log)."""
        assert self.log_path is not None, "the server is not running"
        return self.log_path.read_text(errors="replace").count(f'"{method} {path} HTTP/1.1" 200')
