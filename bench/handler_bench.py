"""Benchmark of the real-time handler code a template inlines (a script, not a test).

Measures, all on 127.0.0.1 with a server this script starts and stops itself:

* the handler's overhead per invocation: a REST proxy event through ``handler`` versus a bare
  ``client.invoke_endpoint`` + ``Body.read()`` on the same client, interleaved call by call;
* the handler's cold import (as Lambda imports ``index.py``: no bytecode cache for it) versus
  ``import boto3``, each in fresh interpreters. The import makes the handler's SageMaker
  Runtime client (Lambda's init phase), which the first request used to pay for.

Run ``python bench/handler_bench.py [--iterations N] [--import-runs N] [--json PATH]``, or call
``collect()`` for the rows (``bench/run.py`` does).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OVERHEAD_TARGET_MS = 1.0
# The handler's own imports and making its client (botocore loads the service model).
IMPORT_BUDGET_MS = 250.0


def _inlined() -> str:
    sys.path.insert(0, str(ROOT))
    from troposphere_patterns import handler_source

    return handler_source(asynchronous=False)


PREDICTION = b'{"predictions": [0.93, 0.07]}'
FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "SAGEMAKER_ENDPOINT_NAME": "bench-endpoint",
}


class _Invocations(BaseHTTPRequestHandler):
    """Answers every InvokeEndpoint with a fixed JSON prediction, keeping connections alive."""

    protocol_version = "HTTP/1.1"
    # One segment per answer and no Nagle: else delayed ACKs add ~40 ms per call on loopback.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("x-Amzn-Invoked-Production-Variant", "AllTraffic")
        self.send_header("Content-Length", str(len(PREDICTION)))
        self.end_headers()
        self.wfile.write(PREDICTION)


@contextlib.contextmanager
def local_sagemaker() -> Iterator[str]:
    """Serve InvokeEndpoint on 127.0.0.1 for the duration of the block; yield its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Invocations)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def patched_env(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _Context:
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 90_000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_overhead(iterations: int = 500, warmup: int = 50) -> dict[str, list[float]]:
    """Seconds per call for the bare client and for the handler, interleaved."""
    with local_sagemaker() as url, patched_env({**FAKE_ENV, "AWS_ENDPOINT_URL": url}):
        module = types.ModuleType("handler_bench_index")
        exec(compile(_inlined(), "index.py", "exec"), module.__dict__)
        context = _Context()
        client = module.CLIENTS["sagemaker-runtime"]  # the very client the handler uses
        body = json.dumps({"instances": [[5.1, 3.5, 1.4, 0.2]]})
        event = {
            "httpMethod": "POST",
            "path": "/predict",
            "headers": {"Content-Type": "application/json", "Accept": "application/json"},
            "requestContext": {"requestId": "bench", "httpMethod": "POST"},
            "body": body,
            "isBase64Encoded": False,
        }

        def bare() -> None:
            response = client.invoke_endpoint(
                EndpointName="bench-endpoint",
                Body=body.encode(),
                ContentType="application/json",
                Accept="application/json",
            )
            response["Body"].read()

        def through_handler() -> None:
            assert module.handler(event, context)["statusCode"] == 200

        timings: dict[str, list[float]] = {"bare": [], "handler": [], "in-call": []}
        # Also time the InvokeEndpoint call inside each handler call: handler minus that is the
        # handler's own work, per invocation, without the server's jitter in it.
        call_api = module._call

        def timed_call(operation: str, params: dict[str, Any], context: Any, *rest: Any) -> Any:
            started = time.perf_counter()
            try:
                return call_api(operation, params, context, *rest)
            finally:
                inner.append(time.perf_counter() - started)

        inner: list[float] = []
        module._call = timed_call
        calls = (("bare", bare), ("handler", through_handler))
        with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
            for i in range(warmup + iterations):
                # Alternate which goes first so neither always meets a warmer connection.
                for name, call in calls if i % 2 else calls[::-1]:
                    started = time.perf_counter()
                    call()
                    if i >= warmup:
                        timings[name].append(time.perf_counter() - started)
                    if i >= warmup and name == "handler":
                        timings["in-call"].append(timings["handler"][-1] - inner[-1])
        return timings


def _import_seconds(code: str, cwd: str) -> list[float]:
    """Run `;`-separated statements in a fresh interpreter; return the seconds each took."""
    lines = ["import time", "laps = [time.perf_counter()]"]
    for line in code.split(";"):
        lines += [line.strip(), "laps.append(time.perf_counter())"]
    lines.append("print(*(b - a for a, b in zip(laps, laps[1:])))")
    env = {**os.environ, **FAKE_ENV, "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, "-c", "\n".join(lines)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [float(x) for x in out.stdout.split()]


def measure_imports(runs: int = 11) -> dict[str, list[float]]:
    """Seconds to import boto3, and the handler as Lambda would (index.py, no cached bytecode).

    "handler" and "boto3" each run in their own fresh interpreters; "handler alone" is the
    handler's import after boto3 in one interpreter, which is free of boto3's run-to-run noise.
    """
    timings: dict[str, list[float]] = {"boto3": [], "handler": [], "handler alone": []}
    with tempfile.TemporaryDirectory() as task:
        (Path(task) / "index.py").write_text(_inlined())
        for _ in range(runs):
            timings["boto3"] += _import_seconds("import boto3", task)
            timings["handler"] += _import_seconds("import index", task)
            timings["handler alone"].append(_import_seconds("import boto3; import index", task)[1])
    return timings


def _row(metric: str, median: float, p99: float | None = None, target: str = "", ok: Any = None):
    return {"metric": metric, "median_ms": median, "p99_ms": p99, "target": target, "ok": ok}


def collect(iterations: int = 500, import_runs: int = 11) -> list[dict[str, Any]]:
    """Run both measurements; return one row per figure (milliseconds)."""
    calls = measure_overhead(iterations)
    imports = measure_imports(import_runs)
    ms = {
        name: (statistics.median(v) * 1000, _percentile(v, 0.99) * 1000)
        for name, v in {**calls, **{f"import {k}": v for k, v in imports.items()}}.items()
    }
    overhead = (ms["handler"][0] - ms["bare"][0], ms["handler"][1] - ms["bare"][1])
    own = ms["in-call"]
    extra_import = ms["import handler"][0] - ms["import boto3"][0]
    alone = ms["import handler alone"][0]
    calls_target = f"median <= {OVERHEAD_TARGET_MS:g} ms"
    return [
        _row(f"bare invoke_endpoint ({iterations} calls)", *ms["bare"]),
        _row(f"handler, REST proxy event ({iterations} calls)", *ms["handler"]),
        _row("handler overhead (difference of the two rows above)", *overhead, calls_target,
             overhead[0] <= OVERHEAD_TARGET_MS),
        _row("handler's own work per call (handler minus its InvokeEndpoint)", *own,
             calls_target, own[0] <= OVERHEAD_TARGET_MS),
        _row(f"cold `import boto3` ({import_runs} fresh interpreters)", ms["import boto3"][0]),
        _row(f"cold import of the handler ({import_runs} fresh interpreters)",
             ms["import handler"][0], None,
             f"<= boto3 + {IMPORT_BUDGET_MS:g} ms (measured {extra_import:+.1f} ms)",
             extra_import <= IMPORT_BUDGET_MS),
        _row("handler import on top of boto3 (same interpreter)", alone, None,
             f"<= {IMPORT_BUDGET_MS:g} ms", alone <= IMPORT_BUDGET_MS),
    ]  # fmt: skip


def markdown(rows: list[dict[str, Any]]) -> str:
    """Render rows from collect() as a markdown table."""
    lines = ["| metric | median ms | p99 ms | target | met |", "| --- | ---: | ---: | --- | --- |"]
    for row in rows:
        p99 = "" if row["p99_ms"] is None else f"{row['p99_ms']:.3f}"
        met = {None: "", True: "yes", False: "NO"}[row["ok"]]
        lines.append(
            f"| {row['metric']} | {row['median_ms']:.3f} | {p99} | {row['target']} | {met} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=500)
    parser.add_argument("--import-runs", type=int, default=11)
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    rows = collect(args.iterations, args.import_runs)
    print(markdown(rows))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n")
    return rows


if __name__ == "__main__":
    main()
