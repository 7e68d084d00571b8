"""Benchmarks of troposphere-patterns (a script, not a test): ``make bench``.

Prints markdown tables and writes them to ``bench/results/latest.md``:

1. whole-process time and peak RSS of the CLI per mode (each mode README.md shows) versus a
   bare ``import troposphere, troposphere.awslambda, troposphere.sagemaker, troposphere.iam``
   process, commands interleaved round-robin, medians (target: CLI <= 1.3x bare import);
2. in-process ``cli.render`` time per mode;
3. scale: 1, 10 and 50 instances in one template (library level), add + to_json, with a
   linearity verdict;
4. template size per README mode, JSON and YAML as written and JSON minified, against the
   51,200-byte inline limit (the default also against its 10% margin, 46,080 bytes);
5. ``-X importtime``: the package's cumulative import time, the heaviest imports, and what the
   CLI imports on top of bare troposphere;
6. the handler benchmark from ``bench/handler_bench.py`` when it is there;
7. ``cdk synth`` of the construct against the CLI's default run (target: cdk >= 60x slower),
   when a CDK app is there: ``bench/cdk/`` once ``make cdk-app`` installed it, or
   ``CDK_APP=DIR``, a directory with ``cdk.json`` and its ``node_modules``; without one the
   report says it was not measured.

With ``--instructions`` (and valgrind installed), also the instructions each of those processes
executes, counted by callgrind: unlike times, counts do not move with the machine's load.

Options: ``--runs N`` (interleaved process runs, default 11, at least 5), ``--skip-handler``,
``--out PATH``, ``--strict`` (exit 1 when a target is missed), ``--instructions``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import importlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DEFAULT_OUT = BENCH / "results" / "latest.md"
PY = sys.executable
PATTERN = "lambda-sagemakerendpoint"
# What a bare run of troposphere imports for this pattern's resources: the CLI's yardstick.
BARE_IMPORT = "import troposphere, troposphere.awslambda, troposphere.sagemaker, troposphere.iam"
PROCESS_TARGET = 1.3  # CLI process time / bare import process time
CDK_TARGET = 60.0  # cdk synth process time / CLI default process time, at least
CDK_RUNS = 3
LINEAR_TARGET = 2.0  # per-instance time at the larger size / at the smaller size
IMPORTTIME_RUNS = 5
RENDER_RUNS = 30
SCALE_RUNS = 5
SCALES = (1, 10, 50)

# Child processes run with a bytecode cache in a private directory, as an installed wheel would
# (pip compiles it): the environment may set PYTHONDONTWRITEBYTECODE, and then every run of a
# checkout recompiles the package's sources. The warm-up round fills the cache for every command.
CACHED_ENV: dict[str, str] = {}
INHERITED_ENV = dict(os.environ)

if str(ROOT) not in sys.path:  # run as `python bench/run.py`: the checkout, then bench/
    sys.path.insert(0, str(ROOT))

from tests.readme_modes import readme_modes  # noqa: E402 - after the checkout is on the path

# Every mode README.md shows (its command lines, --props files left out), in its order.
MODES: dict[str, list[str]] = readme_modes()


@dataclasses.dataclass
class Report:
    sections: list[str] = dataclasses.field(default_factory=list)
    missed: list[str] = dataclasses.field(default_factory=list)

    def add(self, title: str, body: str) -> None:
        text = f"## {title}\n\n{body.rstrip()}\n"
        print(text, flush=True)
        self.sections.append(text)

    def verdict(self, ok: bool, what: str) -> str:
        if not ok:
            self.missed.append(what)
        return "yes" if ok else "**NO**"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], align: str = "") -> str:
    """A markdown table; ``align`` holds one 'l' or 'r' per column (default: l then r...)."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = [headers, rule, *[[str(cell) for cell in row] for row in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# --------------------------------------------------------------------------- machine


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for name in ("troposphere", "awacs", "PyYAML"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions.append(f"{name} {metadata.version(name)}")
    commit = "?"
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        commit += " (uncommitted changes)" if dirty.strip() else ""
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"# troposphere-patterns benchmark\n\n"
        f"- date: {now}; commit {commit}\n"
        f"- machine: {cpu}, {os.cpu_count()} logical cores ({usable} usable), "
        f"{platform.system()} {platform.release()}\n"
        f"- Python {platform.python_version()} ({PY}); {', '.join(versions)}\n"
        f"- load average at the start: {load} (other work on the machine skews timings)\n"
    )


# --------------------------------------------------------------------------- processes


def run_process(command: Sequence[str], env: dict[str, str]) -> tuple[float, int]:
    """Run ``command`` with stdout to /dev/null; return (wall seconds, max RSS in KiB)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            errors.seek(0)
            detail = errors.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{' '.join(command)} exited {child.returncode}:\n{detail}")
    return elapsed, usage.ru_maxrss  # Linux: KiB


def bench_processes(report: Report, runs: int) -> float:
    """Whole-process medians; returns the CLI default's, for the cdk comparison."""
    bare_name = "bare: python -c 'import troposphere, ...awslambda, ...sagemaker, ...iam'"
    commands: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass (interpreter alone)": ([PY, "-c", "pass"], CACHED_ENV),
        bare_name: ([PY, "-c", BARE_IMPORT], CACHED_ENV),
    }
    for mode, flags in MODES.items():
        cli = [PY, "-m", "troposphere_patterns", PATTERN, *flags]
        commands[f"CLI {mode}"] = (cli, CACHED_ENV)
    uncached = "CLI default, no bytecode cache (PYTHONDONTWRITEBYTECODE=1 as inherited)"
    if INHERITED_ENV.get("PYTHONDONTWRITEBYTECODE"):
        commands[uncached] = (commands["CLI default"][0], INHERITED_ENV)
    times: dict[str, list[float]] = {name: [] for name in commands}
    rss: dict[str, list[int]] = {name: [] for name in commands}
    for round_ in range(runs + 1):  # round 0 warms the page cache and bytecode; discarded
        order = list(commands.items())
        shift = round_ % len(order)  # rotate so no command always runs first after the others
        for name, (command, env) in order[shift:] + order[:shift]:
            elapsed, peak = run_process(command, env)
            if round_:
                times[name].append(elapsed)
                rss[name].append(peak)
    bare = statistics.median(times[bare_name])
    rows = []
    for name in commands:
        median = statistics.median(times[name])
        ratio = median / bare
        met = ""
        if name == uncached:
            met = "(info)"
        elif name.startswith("CLI"):
            met = report.verdict(ratio <= PROCESS_TARGET, f"{name}: {ratio:.2f}x bare import")
        rows.append(
            [
                name,
                ms(median),
                ms(min(times[name])),
                ms(max(times[name])),
                f"{ratio:.2f}x",
                met,
                f"{statistics.median(rss[name]) / 1024:.1f}",
            ]
        )
    report.add(
        f"Whole process: CLI vs bare `{BARE_IMPORT}` ({runs} interleaved runs each)",
        table(
            [
                "command",
                "median ms",
                "min ms",
                "max ms",
                "vs bare",
                f"<= {PROCESS_TARGET:g}x",
                "max RSS MiB",
            ],
            rows,
            "lrrrrlr",
        )
        + "\n\nstdout to /dev/null; commands run round-robin (rotated each round) after one "
        "discarded warm-up round; max RSS per process from `wait4`. Bytecode cached in a private "
        "PYTHONPYCACHEPREFIX (as installed from a wheel) unless the row says otherwise.",
    )
    return statistics.median(times["CLI default"])


PHASES = """
import gc, os, sys, time
gc.disable()  # as troposphere_patterns.entry runs the command
from troposphere_patterns import entry
for name in entry.UNUSED_BY_THE_COMMAND:  # as the command: cfn-flip loads on first use
    entry.load_on_first_use(name)
t0 = time.perf_counter()
import troposphere, troposphere.awslambda, troposphere.sagemaker, troposphere.iam
t1 = time.perf_counter()
from troposphere_patterns import cli
t2 = time.perf_counter()
code = cli.main(sys.argv[1:])
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, file=sys.stderr)
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)  # as cli.console ends the command
"""


def bench_phases(report: Report, runs: int) -> None:
    """Where a CLI process spends its time: the rest is interpreter start-up and exit."""
    names = [
        "troposphere's import, cfn-flip deferred (as the command makes it)",
        "import troposphere_patterns.cli (beyond)",
        "cli.main (render)",
    ]
    samples: dict[str, list[float]] = {name: [] for name in ["process", *names, "start-up + exit"]}
    for round_ in range(runs + 1):
        started = time.perf_counter()
        done = subprocess.run(
            [PY, "-c", PHASES, PATTERN],
            cwd=ROOT,
            env=CACHED_ENV,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            check=True,
        )
        elapsed = time.perf_counter() - started
        if not round_:
            continue
        phases = [float(x) for x in done.stderr.split()[-3:]]
        samples["process"].append(elapsed)
        for name, value in zip(names, phases, strict=True):
            samples[name].append(value)
        samples["start-up + exit"].append(elapsed - sum(phases))
    total = statistics.median(samples["process"])
    rows = [
        [name, ms(statistics.median(values)), f"{statistics.median(values) / total:.0%}"]
        for name, values in samples.items()
    ]
    report.add(
        f"CLI default: where the process time goes (median of {runs})",
        table(["phase", "median ms", "share"], rows)
        + "\n\nA child timing its own phases, run as the command runs (no cyclic collector, no "
        "teardown at exit); bytecode cached as above.",
    )


# --------------------------------------------------------------------------- in process


def bench_render(report: Report) -> dict[str, str]:
    from troposphere_patterns import cli

    texts: dict[str, str] = {}
    rows = []
    for mode, flags in MODES.items():
        args = cli.parser().parse_args([PATTERN, *flags])
        samples = []
        started = time.perf_counter()
        texts[mode] = cli.render(args)
        first = time.perf_counter() - started
        for _ in range(RENDER_RUNS):
            started = time.perf_counter()
            cli.render(args)
            samples.append(time.perf_counter() - started)
        rows.append([mode, ms(first), ms(statistics.median(samples)), ms(min(samples))])
    report.add(
        f"In-process `cli.render(args)` per mode ({RENDER_RUNS} runs after the first)",
        table(["mode", "first ms", "median ms", "min ms"], rows),
    )
    return texts


def bench_sizes(report: Report, texts: dict[str, str]) -> None:
    from troposphere_patterns import cli
    from troposphere_patterns.core import limits

    limit = limits.MAX_BODY_BYTES_INLINE
    margin = limit * 9 // 10  # the default leaves a tenth to the caller's own props
    rows = []
    for mode, text in texts.items():
        yaml_args = cli.parser().parse_args([PATTERN, *MODES[mode], "--format", "yaml"])
        yaml_text = cli.render(yaml_args)
        written = limits.body_size(text)
        minified = limits.minified_size(json.loads(text))
        yaml_size = limits.body_size(yaml_text)
        worst = max(written, yaml_size)
        ok = report.verdict(worst <= limit, f"{mode}: {worst:,} bytes > inline limit")
        if mode == "default":
            ok += " (margin: " + report.verdict(
                worst <= margin, f"default: {worst:,} bytes > {margin:,} (10% margin)"
            )
            ok += f", <= {margin:,})"
        rows.append(
            [
                mode,
                f"{written:,}",
                f"{yaml_size:,}",
                f"{minified:,}",
                f"{worst / limit:.0%}",
                ok,
            ]
        )
    report.add(
        f"Template size per README mode vs the {limit:,}-byte inline limit",
        table(
            [
                "mode",
                "JSON as written B",
                "YAML as written B",
                "JSON minified B",
                "larger / limit",
                "fits inline",
            ],
            rows,
            "lrrrrl",
        )
        + "\n\nBytes as the CLI writes them (UTF-8); `aws cloudformation deploy` without "
        "`--s3-bucket` refuses a file over 51,200 bytes.",
    )


def bench_scale(report: Report) -> None:
    from troposphere import Template

    from troposphere_patterns import LambdaSagemakerEndpointProps, add_lambda_sagemakerendpoint
    from troposphere_patterns.core import limits

    base = LambdaSagemakerEndpointProps(
        model_props={
            "PrimaryContainer": {
                "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:1",
                "ModelDataUrl": "s3://bucket/model.tar.gz",
            }
        },
        lambda_function_props={"Code": {"ZipFile": "def handler(e, c):\n    return e\n"}},
        deploy_vpc=False,
        id_prefix="A1",
    )

    def build(count: int, deploy_vpc: bool) -> tuple[float, float, int, int, int]:
        """Median add and to_json seconds over SCALE_RUNS; resources; JSON and minified bytes."""
        adds, dumps = [], []
        for _ in range(SCALE_RUNS):
            template = Template()
            started = time.perf_counter()
            for index in range(count):
                props = dataclasses.replace(base, id_prefix=f"P{index}", deploy_vpc=deploy_vpc)
                add_lambda_sagemakerendpoint(template, props)  # silences troposphere itself
            added = time.perf_counter()
            text = template.to_json()
            adds.append(added - started)
            dumps.append(time.perf_counter() - added)
        return (
            statistics.median(adds),
            statistics.median(dumps),
            len(template.resources),
            limits.body_size(text),
            limits.minified_size(json.loads(text)),
        )

    rows = []
    verdicts = []
    for deploy_vpc in (False, True):
        per_instance_resources = build(1, deploy_vpc)[2]
        fitting = limits.MAX_RESOURCES // per_instance_resources
        sizes = [n for n in SCALES if n <= fitting]
        if fitting not in sizes and fitting > max(sizes):
            sizes.append(fitting)  # the most instances one template can hold
        per_instance: dict[int, float] = {}
        for count in sizes:
            add, dump, resources, written, minified = build(count, deploy_vpc)
            per_instance[count] = (add + dump) / count
            rows.append(
                [
                    f"deploy_vpc={deploy_vpc}",
                    count,
                    resources,
                    ms(add),
                    ms(dump),
                    ms(add + dump),
                    f"{per_instance[count] * 1000:.2f}",
                    f"{written:,}",
                    f"{minified:,}",
                ]
            )
        for count in SCALES:
            if count > fitting:
                rows.append(
                    [
                        f"deploy_vpc={deploy_vpc}",
                        count,
                        f"{count * per_instance_resources:,} > {limits.MAX_RESOURCES}",
                        "skipped",
                        "",
                        "",
                        "",
                        "",
                        "",
                    ]
                )
        larger = max(sizes)
        smaller = max(n for n in sizes if n < larger and n > 1) if len(sizes) > 2 else min(sizes)
        ratio = per_instance[larger] / per_instance[smaller]
        ok = report.verdict(
            ratio <= LINEAR_TARGET, f"scale deploy_vpc={deploy_vpc}: {ratio:.2f}x per instance"
        )
        verdicts.append(
            f"- deploy_vpc={deploy_vpc} ({per_instance_resources} resources per instance): "
            f"per-instance time at {larger} is {ratio:.2f}x that at {smaller} "
            f"(target <= {LINEAR_TARGET:g}x): linear: {ok}"
        )
    report.add(
        f"Scale: instances in one template (library, median of {SCALE_RUNS})",
        table(
            [
                "props",
                "instances",
                "resources",
                "add ms",
                "to_json ms",
                "total ms",
                "ms / instance",
                "JSON B",
                "minified B",
            ],
            rows,
            "lrrrrrrrr",
        )
        + "\n\n"
        + "\n".join(verdicts),
    )


# --------------------------------------------------------------------------- import time


@dataclasses.dataclass(frozen=True)
class ImportLine:
    name: str
    self_us: int
    cumulative_us: int
    depth: int


def importtime(code: str) -> list[ImportLine]:
    result = subprocess.run(
        [PY, "-X", "importtime", "-c", code],
        cwd=ROOT,
        env=CACHED_ENV,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = []
    for raw in result.stderr.splitlines():
        # "import time: <self us> | <cumulative us> | <2 spaces per depth><module>"
        parts = raw.split("|", 2)
        if len(parts) != 3 or not raw.startswith("import time:") or "self [us]" in raw:
            continue
        self_us, cumulative_us, name = parts[0].split(":", 1)[1], parts[1], parts[2][1:]
        depth = (len(name) - len(name.lstrip(" "))) // 2
        lines.append(ImportLine(name.strip(), int(self_us), int(cumulative_us), depth))
    return lines


def via(chain: Sequence[str]) -> str:
    """An importer chain, shortened to its ends when long."""
    if not chain:
        return "(top level)"
    shown = list(chain) if len(chain) <= 4 else [*chain[:2], "…", *chain[-2:]]
    return " > ".join(shown)


def importers(lines: list[ImportLine]) -> dict[str, list[str]]:
    """Each module's chain of importers, outermost first (importtime lists children first)."""
    chains: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        chain: list[str] = []
        depth = line.depth
        for later in lines[index + 1 :]:
            if later.depth < depth:
                chain.append(later.name)
                depth = later.depth
                if depth == 0:
                    break
        chains[line.name] = chain[::-1]
    return chains


def bench_imports(report: Report) -> None:
    codes = {
        "troposphere": BARE_IMPORT,
        "troposphere_patterns": "import troposphere_patterns",
        "troposphere_patterns.cli": "import troposphere_patterns.cli",
    }
    runs: dict[str, list[list[ImportLine]]] = {name: [] for name in codes}
    importtime("import troposphere_patterns.cli")  # warm-up
    for _ in range(IMPORTTIME_RUNS):
        for name, code in codes.items():
            runs[name].append(importtime(code))

    startup = {line.name for line in importtime("pass")}  # what the interpreter imports anyway

    def cumulative(name: str) -> float:
        """The statement's import time: its top-level imports' cumulative times, summed."""
        return statistics.median(
            sum(line.cumulative_us for line in run if line.depth == 0 and line.name not in startup)
            for run in runs[name]
        )

    def self_medians(name: str) -> dict[str, float]:
        samples: dict[str, list[int]] = {}
        for run in runs[name]:
            for line in run:
                samples.setdefault(line.name, []).append(line.self_us)
        return {module: statistics.median(values) for module, values in samples.items()}

    bare = cumulative("troposphere")
    rows = [
        [f"`{codes[name]}`", f"{cumulative(name) / 1000:.1f}", f"{cumulative(name) / bare:.2f}x"]
        for name in codes
    ]
    body = table(["statement", "cumulative ms (median)", "vs troposphere"], rows)

    package = self_medians("troposphere_patterns")
    chains = importers(runs["troposphere_patterns"][0])
    bare_modules = set(self_medians("troposphere"))
    heaviest = sorted(package.items(), key=lambda item: item[1], reverse=True)[:5]
    body += "\n\nHeaviest imports under `import troposphere_patterns` (own time, not children):\n\n"
    body += table(
        ["module", "self ms", "bare troposphere loads it too", "imported via"],
        [
            [f"`{m}`", f"{us / 1000:.1f}", "yes" if m in bare_modules else "no", via(chains[m])]
            for m, us in heaviest
        ],
        "lrll",
    )

    cli_self = self_medians("troposphere_patterns.cli")
    extra = {m: us for m, us in cli_self.items() if m not in bare_modules}
    cli_chains = importers(runs["troposphere_patterns.cli"][0])
    ours = {m: us for m, us in extra.items() if m.startswith("troposphere_patterns")}
    theirs = {m: us for m, us in extra.items() if m not in ours}
    by_top: dict[str, float] = {}
    for module, us in theirs.items():
        top = module.split(".")[0]
        by_top[top] = by_top.get(top, 0) + us
    body += (
        f"\n\nWhat `import troposphere_patterns.cli` loads beyond `import troposphere`: "
        f"{len(extra)} modules, {sum(extra.values()) / 1000:.1f} ms own time "
        f"({sum(ours.values()) / 1000:.1f} ms in troposphere_patterns itself, "
        f"{sum(theirs.values()) / 1000:.1f} ms in other packages):\n\n"
    )
    top_extra = sorted(theirs.items(), key=lambda item: item[1], reverse=True)[:8]
    body += table(
        ["module (not loaded by bare troposphere)", "self ms", "imported via"],
        [[f"`{m}`", f"{us / 1000:.1f}", via(cli_chains.get(m, []))] for m, us in top_extra],
        "lrl",
    )
    body += "\n\nBy package: " + ", ".join(
        f"{top} {us / 1000:.1f} ms" for top, us in sorted(by_top.items(), key=lambda kv: -kv[1])[:6]
    )
    body += (
        f"\n\nMedians of {IMPORTTIME_RUNS} runs of `python -X importtime -c ...`, after one "
        "warm-up (bytecode cached); -X importtime itself adds overhead, so compare ratios."
    )
    report.add("Import time", body)


# --------------------------------------------------------------------------- handler


def bench_handler(report: Report) -> None:
    title = "Handler (bench/handler_bench.py)"
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    try:
        handler_bench = importlib.import_module("handler_bench")
    except ImportError as error:
        report.add(title, table(["metric", "result"], [["handler benchmark", f"skipped: {error}"]]))
        return
    collect = getattr(handler_bench, "collect", None)
    if collect is None:
        report.add(
            title, table(["metric", "result"], [["handler benchmark", "skipped: no collect()"]])
        )
        return
    try:
        rows = collect()
    except Exception as error:  # another engineer's script: report, do not abort the bench
        report.add(
            title, table(["metric", "result"], [["handler benchmark", f"failed: {error!r}"]])
        )
        return
    render = getattr(handler_bench, "markdown", None)
    body = render(rows) if render is not None else json.dumps(rows, indent=1)
    for row in rows:
        if isinstance(row, dict) and row.get("ok") is False:
            report.missed.append(f"handler: {row.get('metric')}")
    report.add(title, body)


# --------------------------------------------------------------------------- cdk synth


def cdk_app() -> Path | None:
    """The CDK app of the construct to synthesize: ``CDK_APP``, else ``bench/cdk/``, if set up."""
    folder = Path(os.environ.get("CDK_APP") or BENCH / "cdk")
    ready = (folder / "cdk.json").is_file() and (folder / "node_modules" / ".bin" / "cdk").exists()
    return folder if ready else None


def bench_cdk(report: Report, cli_default: float) -> None:
    title = "`cdk synth` of the construct vs the CLI"
    folder = cdk_app()
    if folder is None:
        report.add(
            title,
            "Not measured: the CDK app is not installed. `make cdk-app` installs `bench/cdk/` "
            "(npm), or set `CDK_APP=DIR` to a CDK app that synthesizes "
            "`aws-lambda-sagemakerendpoint`, with `cdk.json` and its `node_modules`; the target "
            f"is `cdk synth` >= {CDK_TARGET:g}x the CLI's default run.",
        )
        return
    command = [str(folder / "node_modules" / ".bin" / "cdk"), "synth", "--quiet"]
    samples = []
    for round_ in range(CDK_RUNS + 1):  # round 0 warms node's caches; discarded
        started = time.perf_counter()
        subprocess.run(
            command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        if round_:
            samples.append(time.perf_counter() - started)
    synth = statistics.median(samples)
    ratio = synth / cli_default
    ok = report.verdict(ratio >= CDK_TARGET, f"cdk synth only {ratio:.0f}x the CLI")
    report.add(
        title,
        table(
            ["command", "median ms", "vs CLI default", f">= {CDK_TARGET:g}x"],
            [
                [f"cdk synth --quiet ({folder})", ms(synth), f"{ratio:.0f}x", ok],
                ["CLI default", ms(cli_default), "1x", ""],
            ],
            "lrrl",
        ),
    )


# --------------------------------------------------------------------------- main


def callgrind_instructions(command: list[str], env: dict[str, str]) -> int:
    """Instructions a process executes, counted by valgrind's callgrind (load-independent)."""
    with tempfile.TemporaryDirectory(prefix="bench-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        fixed = {**env, "PYTHONHASHSEED": "0"}  # the same dict and set orders every run
        counted = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            *command,
        ]
        subprocess.run(counted, cwd=ROOT, env=fixed, check=True, capture_output=True)
        for line in out.read_text(encoding="utf-8").splitlines():
            if line.startswith("summary:") or line.startswith("totals:"):
                return int(line.split()[1])
    raise RuntimeError(f"callgrind gave no total for {' '.join(command)}")


def bench_instructions(report: Report) -> None:
    """Instructions of the bare import and each README mode's CLI run (when valgrind is there).

    Counts, unlike times, do not move with the machine's load: the same commit gives the same
    ratio within a fraction of a percent, so a change's effect shows even on a busy machine.
    Each command runs once to fill the bytecode cache, then once counted.
    """
    title = "Instructions (valgrind callgrind), CLI vs bare import"
    if shutil.which("valgrind") is None:
        report.add(title, "Not measured: valgrind is not installed.")
        return
    commands = {"bare import": [PY, "-c", BARE_IMPORT]}
    for mode, flags in MODES.items():
        commands[f"CLI {mode}"] = [PY, "-m", "troposphere_patterns", PATTERN, *flags]
    counts = {}
    for name, command in commands.items():
        run_process(command, CACHED_ENV)  # bytecode cached, as in the timed runs
        counts[name] = callgrind_instructions(command, CACHED_ENV)
    bare = counts["bare import"]
    rows = [[name, f"{count / 1e6:,.0f}", f"{count / bare:.2f}x"] for name, count in counts.items()]
    report.add(title, table(["command", "million instructions", "vs bare"], rows))


def main(argv: Sequence[str] | None = None) -> int:
    options = argparse.ArgumentParser(description="Benchmarks of troposphere-patterns.")
    options.add_argument("--runs", type=int, default=11, help="interleaved process runs (>= 5)")
    options.add_argument("--skip-handler", action="store_true", help="skip handler_bench.py")
    options.add_argument("--out", type=Path, default=DEFAULT_OUT, help="markdown output file")
    options.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    options.add_argument(
        "--instructions",
        action="store_true",
        help="also count each run's instructions with valgrind (about 15 s a command)",
    )
    args = options.parse_args(argv)
    if args.runs < 5:
        options.error("--runs must be at least 5")

    started = time.perf_counter()
    cache = tempfile.TemporaryDirectory(prefix="bench-pycache-")
    CACHED_ENV.update(INHERITED_ENV)
    CACHED_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    CACHED_ENV["PYTHONPYCACHEPREFIX"] = cache.name
    header = machine()
    print(header, flush=True)
    report = Report()
    cli_default = bench_processes(report, args.runs)
    bench_phases(report, args.runs)
    if args.instructions:
        bench_instructions(report)
    texts = bench_render(report)
    bench_sizes(report, texts)
    bench_scale(report)
    bench_imports(report)
    if not args.skip_handler:
        bench_handler(report)
    bench_cdk(report, cli_default)
    summary = (
        "all targets met" if not report.missed else "targets missed: " + "; ".join(report.missed)
    )
    cache.cleanup()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    footer = (
        f"\n{summary}. Bench took {time.perf_counter() - started:.0f} s; "
        f"load average at the end: {load}.\n"
    )
    print(footer)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + "\n" + "\n".join(report.sections) + footer, encoding="utf-8")
    print(f"written to {args.out}")
    return 1 if args.strict and report.missed else 0


if __name__ == "__main__":
    sys.exit(main())
