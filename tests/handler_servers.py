"""A scripted stand-in for SageMaker Runtime, for the faults moto cannot produce.

``FakeSageMaker`` is a stdlib HTTP server in a thread, bound to 127.0.0.1 on a free port and
stopped by whoever started it, that speaks InvokeEndpoint's REST shape
(``POST /endpoints/{name}/invocations``; for the async path it also takes S3's path-style
``PUT``/``GET /{bucket}/{key}``) and can be scripted with modelled errors, throttling,
slow answers and binary predictions. Given ``components``, it refuses an invocation that does
not name one of them in ``X-Amzn-SageMaker-Inference-Component`` as SageMaker does (400
``ValidationError``). Given ``async_output`` and ``async_failure`` (S3 prefixes ending in /),
it answers InvokeEndpointAsync as SageMaker does: the result's and failure's locations under
them, named with a fresh UUID (not the request's InferenceId). It records every request.
tests/test_handler.py runs the happy paths against moto's server instead
(``tests.moto_server.MotoServer``: the real REST shape, SigV4 and
all, with predictions seeded through moto's endpoint-results API).
"""

from __future__ import annotations

import json
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.moto_server import HOST


@dataclass
class Reply:
    """One scripted answer of FakeSageMaker. ``body=None`` echoes the request body."""

    status: int = 200
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0

    @classmethod
    def s3_error(cls, code: str, status: int) -> Reply:
        """An S3 error the way S3 sends it (rest-xml protocol)."""
        body = f"<Error><Code>{code}</Code><Message>{code}</Message></Error>"
        return cls(status=status, body=body.encode(), headers={"Content-Type": "application/xml"})

    @classmethod
    def no_capacity(cls) -> Reply:
        """A component without a copy (scaled to zero, waking), as SageMaker answers it."""
        return cls.error(
            "ValidationError",
            400,
            message="Inference Component has no capacity to process this request. "
            "ApplicationAutoScaling may be in-progress (if configured) or try to increase the "
            "capacity by invoking UpdateInferenceComponentRuntimeConfig API.",
        )

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

    def __init__(
        self,
        components: set[str] | None = None,
        async_output: str | None = None,
        async_failure: str | None = None,
    ) -> None:
        self.components = components
        self.async_output, self.async_failure = async_output, async_failure
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
                        self.command,
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                    )
                )
                component = self.headers.get("X-Amzn-SageMaker-Inference-Component")
                if fake.components is not None and component not in fake.components:
                    # SageMaker's words for an endpoint with components (its developer guide).
                    reply = Reply.error(
                        "ValidationError",
                        400,
                        message="Inference Component Name header is required for endpoints "
                        "to which you plan to deploy inference components.",
                    )
                else:
                    reply = fake.replies.pop(0) if fake.replies else Reply()
                if reply.delay and fake._stop.wait(reply.delay):
                    return
                out = body if reply.body is None else reply.body
                headers = {
                    "Content-Type": self.headers.get("Accept") or "application/json",
                    "x-Amzn-Invoked-Production-Variant": "AllTraffic",
                    **reply.headers,
                }
                if self.path.endswith("/async-invocations") and fake.async_output:
                    name = uuid.uuid4()
                    headers["X-Amzn-SageMaker-OutputLocation"] = f"{fake.async_output}{name}.out"
                    failure = f"{fake.async_failure}{name}-error.out"
                    headers["X-Amzn-SageMaker-FailureLocation"] = failure
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

            def do_GET(self) -> None:  # S3 GetObject, for the async path
                self.do_POST()

            def do_PUT(self) -> None:  # S3 PutObject
                self.do_POST()

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
