"""-o as a careful shell user expects: symlinks, devices, FIFOs, modes, '-', the extension."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cfn_tools import load_yaml  # type: ignore[import-untyped]

from troposphere_patterns import cli

PATTERN = "lambda-sagemakerendpoint"


def render_to(target: str | Path, *args: str) -> int:
    return cli.main([PATTERN, "-o", str(target), *args])


def is_template(text: str) -> bool:
    return "SagemakerEndpoint" in json.loads(text)["Resources"]


@pytest.fixture
def umask_027() -> Iterator[None]:
    previous = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_symlink_is_written_through_to_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real" / "out.json"
    target.parent.mkdir()
    target.write_text("previous")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    assert render_to(link) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert is_template(target.read_text())
    # The temporary file was made beside the target, and is gone.
    assert sorted(p.name for p in target.parent.iterdir()) == ["out.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json", "real"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "made.json")
    assert render_to(link) == 0
    assert link.is_symlink()
    assert is_template((tmp_path / "made.json").read_text())


def test_dev_null_is_written_in_place_and_stays_a_device() -> None:
    # As root the old code replaced /dev/null with a regular file: this must never happen.
    assert render_to(os.devnull) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_fifo_is_written_in_place_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    assert render_to(fifo) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert is_template(received[0])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_dev_stdout_goes_to_the_process_stdout_and_stays_a_symlink() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "troposphere_patterns", PATTERN, "-o", "/dev/stdout"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert is_template(result.stdout)
    assert os.path.islink("/dev/stdout")


@pytest.mark.usefixtures("umask_027")
def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    assert render_to(target) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.usefixtures("umask_027")
def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")
    target.chmod(0o604)
    assert render_to(target) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert is_template(target.read_text())


def test_dash_is_stdout_and_makes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert render_to("-") == 0
    assert is_template(capsys.readouterr().out)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("out.yaml", (), "yaml"),
        ("out.YML", (), "yaml"),
        ("out.json", (), "json"),
        ("out.template", (), "json"),
        ("out.yaml", ("--format", "json"), "json"),
        ("out.json", ("--format", "yaml"), "yaml"),
    ],
)
def test_format_follows_the_extension_unless_format_is_given(
    tmp_path: Path, name: str, args: tuple[str, ...], expected: str
) -> None:
    target = tmp_path / name
    assert render_to(target, *args) == 0
    text = target.read_text()
    if expected == "json":
        assert is_template(text)
    else:
        assert text.lstrip()[0] != "{"
        assert load_yaml(text)["Resources"]["SagemakerEndpoint"]["Type"] == (
            "AWS::SageMaker::Endpoint"
        )


def test_a_directory_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert render_to(tmp_path) == 2
    captured = capsys.readouterr()
    assert f"-o {tmp_path}: a directory" in captured.err
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_refused_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert render_to(tmp_path / "no" / "out.json") == 2
    assert "No such file or directory" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
