"""A run imports an option's modules only when its template uses the option.

Every public name stays importable from where it was; the packages' tables
(``troposphere_patterns.lazy``) load each module on first use.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import troposphere_patterns
from troposphere_patterns.core import hosting
from troposphere_patterns.core.hosting import options

OPTIONS = "troposphere_patterns.core.hosting.options"
BUCKET = "troposphere_patterns.core.bucket"


def modules_after(*args: str) -> set[str]:
    """The modules a fresh interpreter holds after one CLI render of ``args``."""
    code = (
        "import contextlib, io, json, sys\n"
        "from troposphere_patterns import cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert cli.main(['lambda-sagemakerendpoint', *{list(args)!r}]) == 0\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    ("flags", "loaded", "not_loaded"),
    [
        pytest.param(
            [],
            {f"{OPTIONS}.alarms"},
            {
                f"{OPTIONS}.rollout",
                f"{OPTIONS}.data_capture",
                f"{OPTIONS}.async_inference",
                BUCKET,
                "troposphere.ec2",
                "botocore",
                "awacs.ec2",  # IAM actions come from core.actions, not awacs's service modules
                "awacs.sagemaker",
                "awacs.kms",
                "troposphere.applicationautoscaling",  # only a template that scales
                f"{OPTIONS}.autoscaling",
                "troposphere_patterns.diagram.command",  # a pattern's run parses its own flags
                "troposphere.sns",
                "argparse",  # a plain command line is read without it (cli/arguments.py)
                "gettext",
                "locale",
            },
            id="default",
        ),
        pytest.param(
            ["--rollout", "canary", "--data-capture"],
            {f"{OPTIONS}.rollout", f"{OPTIONS}.data_capture", BUCKET},
            {f"{OPTIONS}.async_inference", "troposphere.ec2"},
            id="rollout and capture",
        ),
        pytest.param(
            ["--async", "--deploy-vpc"],
            {f"{OPTIONS}.async_inference", BUCKET, "troposphere.ec2"},
            {f"{OPTIONS}.rollout", f"{OPTIONS}.data_capture", "awacs.ec2", "awacs.sns"},
            id="async in a VPC",
        ),
    ],
)
def test_a_render_loads_the_modules_its_template_uses_and_no_other(
    flags: list[str], loaded: set[str], not_loaded: set[str]
) -> None:
    modules = modules_after(*flags)
    assert loaded <= modules
    assert not (not_loaded & modules)


@pytest.mark.parametrize(
    "package", [troposphere_patterns, hosting, options], ids=lambda p: p.__name__
)
def test_every_exported_name_is_importable_and_listed(package: object) -> None:
    names = package.__all__  # type: ignore[attr-defined]
    for name in names:
        value = getattr(package, name)
        assert value is not None, name
        if isinstance(value, type) or callable(value):
            assert getattr(value, "__name__", name) == name
    assert set(names) <= set(dir(package))


def test_a_name_nobody_exports_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
        troposphere_patterns.Nothing  # type: ignore[attr-defined]  # noqa: B018
    with pytest.raises(ImportError):
        from troposphere_patterns import Nothing  # type: ignore[attr-defined]  # noqa: F401


def test_a_wrong_option_type_is_still_refused_by_name() -> None:
    from troposphere_patterns import LambdaSagemakerEndpointProps, PatternPropsError
    from troposphere_patterns import lambda_sagemakerendpoint as render

    props = LambdaSagemakerEndpointProps(
        model_props={
            "PrimaryContainer": {"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/r:1"}
        },
        lambda_function_props={"Code": {"ZipFile": "x"}},
        rollout="canary",  # type: ignore[arg-type]
    )
    with pytest.raises(PatternPropsError, match=r"rollout: must be a Rollout, such as Rollout"):
        render(props)


def test_a_type_ref_is_a_frozen_value_that_resolves_to_its_class() -> None:
    from troposphere_patterns.lazy import TypeRef

    ref = TypeRef("troposphere_patterns.core.hosting.options", "Rollout")
    assert ref == TypeRef("troposphere_patterns.core.hosting.options", "Rollout")
    assert ref != TypeRef("troposphere_patterns.core.hosting.options", "Alarms")
    assert len({ref, TypeRef(ref.module, ref.name)}) == 1
    assert repr(ref) == (
        "TypeRef(module='troposphere_patterns.core.hosting.options', name='Rollout')"
    )
    with pytest.raises(AttributeError):
        ref.name = "Alarms"  # type: ignore[misc]
    assert ref.resolve() is options.Rollout


def test_importing_the_package_loads_neither_dataclasses_nor_troposphere() -> None:
    code = "import json, sys, troposphere_patterns; print(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert not {"dataclasses", "troposphere"} & loaded
