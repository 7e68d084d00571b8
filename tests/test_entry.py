"""The command's short process: modules troposphere imports but a run does not use load on use."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from troposphere_patterns import entry

PATTERN = "lambda-sagemakerendpoint"

TEMPLATE = """
import json, sys
import troposphere
from troposphere import Template, sqs
template = Template(Description="on first use")
template.add_resource(sqs.Queue("Queue", VisibilityTimeout=30))
print(json.dumps({"yaml": template.to_yaml(), "json": template.to_json()}))
"""


def imported_by_the_command(*args: str) -> set[str]:
    """The modules a run of ``python -m troposphere_patterns`` imports (from -X importtime)."""
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "troposphere_patterns", PATTERN, *args],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("import time:")]
    return {line.rsplit("|", 1)[1].strip() for line in lines[1:]}


@pytest.mark.parametrize("args", [[], ["--async", "--deploy-vpc"]])
def test_a_json_run_imports_neither_cfn_flip_nor_yaml(args: list[str]) -> None:
    modules = imported_by_the_command(*args)
    assert "troposphere" in modules
    assert not {"cfn_flip", "yaml", "cfn_tools", "cfn_clean"} & modules


def test_a_yaml_run_imports_yaml_for_its_own_writer_and_still_no_cfn_flip() -> None:
    modules = imported_by_the_command("--format", "yaml")
    assert "yaml" in modules
    assert "cfn_flip" not in modules


def test_troposphere_still_writes_yaml_through_the_stand_in() -> None:
    """``Template.to_yaml`` after the stand-in: cfn-flip loads then, with the same result."""
    plain = subprocess.run([sys.executable, "-c", TEMPLATE], capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    deferred = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from troposphere_patterns import entry\n"
            "entry.load_on_first_use('cfn_flip')\n"
            "stand_in = sys.modules['cfn_flip']\n"
            "import troposphere\n"
            "assert troposphere.cfn_flip is stand_in\n"
            "assert 'yaml' not in sys.modules\n" + TEMPLATE + "real = sys.modules['cfn_flip']\n"
            "assert real is not stand_in and 'yaml' in sys.modules\n"
            "assert stand_in.to_yaml is real.to_yaml\n"
            "from cfn_flip import to_json\n"
            "assert to_json is real.to_json\n",
        ],
        capture_output=True,
        text=True,
    )
    assert deferred.returncode == 0, deferred.stderr
    assert json.loads(deferred.stdout) == json.loads(plain.stdout)
    assert "VisibilityTimeout: 30" in json.loads(plain.stdout)["yaml"]


def test_a_module_already_imported_is_left_as_it_is() -> None:
    before = sys.modules["json"]
    entry.load_on_first_use("json")
    assert sys.modules["json"] is before is json
