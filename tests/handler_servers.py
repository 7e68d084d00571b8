"""Local stand-ins for SageMaker Runtime used by tests/test_handler.py.

Two servers, both bound to 127.0.0.1 on a free port and stopped by whoever started them:

* ``MotoServer`` runs moto's server in a subprocess: the real InvokeEndpoint REST shape,
  SigV4 and all, with predictions seeded through moto's endpoint-results API.
* ``FakeSageMaker`` is a stdlib HTTP server in a thread that speaks InvokeEndpoint's REST
  shape (``POST /endpoints/{name}/invocations``) and can be scripted with the faults moto
  cannot produce: modelled errors, throttling, slow answers, binary predictions. It records
  every request it receives.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class MotoServer:
    """moto's server in a subprocess; use as a context manager."""

    def __init__(self, startup_timeout: float = 20.0) -> None:
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> MotoServer:
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-p", str(self.port), "-H", HOST],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + self._startup_timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                    return self
            except (urllib.error.URLError, OSError):
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self._proc is None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=5)
        self._proc = None

    def _post(self, path: str, payload: dict[str, Any] | None = None) -> None:
        data = json.dumps(payload or {}).encode()
        request = urllib.request.Request(
            f"{self.url}{path}", data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5):
            pass

    def reset(self) -> None:
        """Forget every seeded and remembered result."""
        self._post("/moto-api/reset")

    def seed(self, *results: dict[str, str]) -> None:
        """Queue InvokeEndpoint results: dicts with Body, ContentType, InvokedProductionVariant,
        CustomAttributes (moto's endpoint-results API)."""
        self._post("/moto-api/static/sagemaker/endpoint-results", {"results": list(results)})


@dataclass
class Reply:
    """One scripted answer of FakeSageMaker. ``body=None`` echoes the request body."""

    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def error(cls, code: str, status: int, **fields: Any) -> Reply:
        """A modelled error the way SageMaker Runtime sends it (rest-json protocol)."""
        return cls(
            status=status,
            body=json.dumps(fields).encode(),
            headers={
                "x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.sagemaker/",
                "Content-Type": "application/json",
            },
        )


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class FakeSageMaker:
    """A scripted InvokeEndpoint server in a thread; use as a context manager."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[Received] = []
        self._stop = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as botocore's pool expects
            wbufsize = 64 * 1024  # one segment per answer: no delayed-ACK stalls
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                fake.requests.append(
                    Received(
                        "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                )
                reply = fake.replies.pop(0) if fake.replies else Reply()
                if reply.delay and fake._stop.wait(reply.delay):
                    return
                out = body if reply.body is None else reply.body
                headers = {
                    "Content-Type": self.headers.get("Accept") or "application/json",
                    "x-Amzn-Invoked-Production-Variant": "AllTraffic",
                    **reply.headers,
                }
                try:
                    self.send_response(reply.status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (read timeout)

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.url = f"http://{HOST}:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    def __enter__(self) -> FakeSageMaker:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()  # wakes slow replies
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
