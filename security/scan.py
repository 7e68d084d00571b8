"""Run the offline security scanners over rendered templates; exit 1 on any finding.

Usage: python security/scan.py TEMPLATE.json [...]   (run with the scanners' own venv)

Scanners, each with zero findings required:
  1. cfn-lint with informational rules and the serverless rules (cfn-lint-serverless);
  2. checkov (CloudFormation framework, no download); skips only in resource Metadata, from the
     allow-list in troposphere_patterns/core/waivers.py (tests/test_waivers.py enforces it);
  3. cfn-guard with the AWS Control Tower proactive rules plus security/guard/*.guard; a Control
     Tower rule is left out of a template's scan only when every resource it reports on carries
     the rule's skip in Metadata (``cfn-guard.skip``, from the same allow-list);
  4. cfripper, with intrinsic functions resolved. pycfmodel 2.1.3, which it parses with, types an
     alarm's Threshold as an integer (CloudFormation: a double) and fails on the template
     otherwise; no cfripper rule reads thresholds, so fractional ones are left out for it.

The Control Tower rules and cfripper judge resolved property values (they run as deploy-time
hooks); for them a template's Parameter references are replaced by the example values in
security/example-parameters.json, and its Conditions decide each Fn::If, as CloudFormation
would at deploy time. ``AWS::StackId`` gets an example stack ID too: pycfmodel resolves it to
an empty string, and a name cut from it (an inference component's) then fails its resolver.
"""

from __future__ import annotations

import copy
import json
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
GUARD_ROOT = Path(sys.prefix) / "guard" / "package"
CONTROL_TOWER_RULES = GUARD_ROOT / "rules" / "control-tower" / "cfn-guard"
PROJECT_RULES = HERE / "guard"
EXAMPLES = json.loads((HERE / "example-parameters.json").read_text())
ACCOUNT_ID = "123456789012"


def guard_binary() -> Path:
    machine = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}
    return GUARD_ROOT / "bin" / "ubuntu" / machine[platform.machine().lower()] / "cfn-guard"


def run(command: list[str]) -> tuple[int, str]:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return done.returncode, (done.stdout + done.stderr).strip()


def resources_of(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in template.get("Resources", {}).values() if r.get("Type") == kind]


NO_VALUE = object()  # Ref AWS::NoValue: the property is left out


EXAMPLE_STACK_ID = (
    "arn:aws:cloudformation:us-east-1:123456789012:stack/example/"
    "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d"
)


def resolve_parameters(template: dict[str, Any]) -> dict[str, Any]:
    """Put example values in for Parameters and decide each ``Fn::If``, as a deploy would."""
    names = set(template.get("Parameters", {}))
    missing = sorted(names - set(EXAMPLES))
    if missing:
        raise SystemExit(f"security/example-parameters.json has no value for {missing}")
    conditions = template.get("Conditions", {})

    def holds(expression: Any) -> bool:
        [(function, arguments)] = expression.items()
        if function == "Condition":
            return holds(conditions[arguments])
        if function == "Fn::Equals":
            left, right = (evaluated(walk(argument)) for argument in arguments)
            return bool(left == right)
        if function == "Fn::Not":
            return not holds(arguments[0])
        checks = [holds(argument) for argument in arguments]
        return any(checks) if function == "Fn::Or" else all(checks)  # Fn::And

    def evaluated(value: Any) -> Any:
        """A condition's value with Fn::Select, Fn::Split and Fn::Join of literals worked out
        (the NVMe condition cuts the instance type with them); anything else as it is."""
        if isinstance(value, list):
            return [evaluated(item) for item in value]
        if not (isinstance(value, dict) and len(value) == 1):
            return value
        [(function, arguments)] = value.items()
        arguments = evaluated(arguments)
        if function == "Fn::Select" and isinstance(arguments[1], list):
            return arguments[1][int(arguments[0])]
        if function == "Fn::Split" and isinstance(arguments[1], str):
            return arguments[1].split(arguments[0])
        if function == "Fn::Join" and all(isinstance(item, str) for item in arguments[1]):
            return str(arguments[0]).join(arguments[1])
        return {function: arguments}

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Ref"} and value["Ref"] in names:
                return copy.deepcopy(EXAMPLES[value["Ref"]])
            if value == {"Ref": "AWS::NoValue"}:
                return NO_VALUE
            if value == {"Ref": "AWS::StackId"}:
                return EXAMPLE_STACK_ID
            if set(value) == {"Fn::If"}:
                condition, then, otherwise = value["Fn::If"]
                return walk(then if holds(conditions[condition]) else otherwise)
            items = {key: walk(item) for key, item in value.items()}
            return {key: item for key, item in items.items() if item is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in map(walk, value) if item is not NO_VALUE]
        return value

    resolved = dict(template)
    resolved["Resources"] = walk(template["Resources"])
    resolved["Outputs"] = walk(template.get("Outputs", {}))
    resolved.pop("Parameters", None)
    resolved.pop("Conditions", None)
    return resolved


def cfn_lint(files: list[Path], _: Path) -> Iterator[tuple[str, int, str]]:
    code, out = run(
        [str(BIN / "cfn-lint"), "-c", "I", "-a", "cfn_lint_serverless.rules", "--"]
        + [str(f) for f in files]
    )
    yield "all templates", code, out


def checkov(files: list[Path], _: Path) -> Iterator[tuple[str, int, str]]:
    command = [str(BIN / "checkov"), "--framework", "cloudformation", "--skip-download"]
    command += ["--quiet", "--compact"]
    for path in files:
        command += ["-f", str(path)]
    code, out = run(command)
    yield "all templates", code, out


def reported_types(rule: Path) -> list[str]:
    """The resource types a Control Tower rule reports on (its "Reports on:" header)."""
    lines = rule.read_text().splitlines()
    start = lines.index("# Reports on:") + 1
    return [line.strip("# ").strip() for line in lines[start:] if line.startswith("#   ")][:1]


def waived(template: dict[str, Any], rule: Path, workdir: Path) -> bool:
    """Every resource the rule reports on carries the rule's skip, or passes the rule alone.

    A resource without the skip is checked by itself (the rule on a template holding only the
    resources without it): a waiver covers the resources that carry it, never another one.
    """
    rule_id = rule.stem.upper().replace("-", ".")  # ct-s3-pr-2 -> CT.S3.PR.2
    kinds = reported_types(rule)
    resources = {
        lid: r for lid, r in template.get("Resources", {}).items() if r.get("Type") in kinds
    }
    unwaived = {
        lid: r
        for lid, r in resources.items()
        if rule_id
        not in {s["id"] for s in r.get("Metadata", {}).get("cfn-guard", {}).get("skip", [])}
    }
    if not resources or len(unwaived) == len(resources):
        return False
    if not unwaived:
        return True
    probe = workdir / f"guard-probe-{rule.stem}.json"
    probe.write_text(json.dumps(resolve_parameters({**template, "Resources": unwaived})))
    command = [str(guard_binary()), "validate", "--data", str(probe), "--rules", str(rule)]
    return run(command)[0] == 0


def guard_rules(template: dict[str, Any], workdir: Path) -> list[str]:
    rules = sorted(CONTROL_TOWER_RULES.rglob("*.guard"))
    rules = [rule for rule in rules if not waived(template, rule, workdir)]
    return [str(rule) for rule in rules] + [str(PROJECT_RULES)]


def cfn_guard(files: list[Path], workdir: Path) -> Iterator[tuple[str, int, str]]:
    for path in files:
        template = json.loads(path.read_text())
        resolved = workdir / f"guard-{path.parent.name}-{path.name}"
        resolved.write_text(json.dumps(resolve_parameters(template)))
        command = [str(guard_binary()), "validate", "--show-summary", "fail", "--data"]
        command += [str(resolved), "--rules", *guard_rules(template, workdir)]
        code, out = run(command)
        yield path.name, code, out


def without_fractional_thresholds(template: dict[str, Any]) -> dict[str, Any]:
    """The template as pycfmodel can parse it: no alarm Threshold with a fractional part."""
    for alarm in resources_of(template, "AWS::CloudWatch::Alarm"):
        properties = alarm.get("Properties", {})
        if isinstance(properties.get("Threshold"), float) and properties["Threshold"] % 1:
            del properties["Threshold"]
    return template


def cfripper(files: list[Path], workdir: Path) -> Iterator[tuple[str, int, str]]:
    for path in files:
        resolved = workdir / f"cfripper-{path.parent.name}-{path.name}"
        template = resolve_parameters(json.loads(path.read_text()))
        resolved.write_text(json.dumps(without_fractional_thresholds(template)))
        command = [str(BIN / "cfripper"), "--resolve", "--aws-account-id", ACCOUNT_ID]
        command += ["--format", "txt", "--logging", "ERROR", str(resolved)]
        code, out = run(command)
        yield path.name, code, out


SCANNERS: dict[str, Callable[[list[Path], Path], Iterator[tuple[str, int, str]]]] = {
    "cfn-lint -c I + serverless rules": cfn_lint,
    "checkov": checkov,
    "cfn-guard (Control Tower + project rules)": cfn_guard,
    "cfripper": cfripper,
}

# Each project guard rule must fire on a template broken in its way: a rule that cannot fail
# would pass everything.
CANARIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "endpoint_config_encrypted": lambda t: t["Resources"]["SagemakerEndpointConfig"][
        "Properties"
    ].pop("KmsKeyId"),
    "lambda_tracing_active": lambda t: t["Resources"]["LambdaFunction"]["Properties"].pop(
        "TracingConfig"
    ),
    "security_group_declares_egress": lambda t: t["Resources"]["LambdaSecurityGroup"][
        "Properties"
    ].pop("SecurityGroupEgress"),
    "security_group_no_all_protocols_to_world_egress": lambda t: t["Resources"][
        "SagemakerModelSecurityGroup"
    ]["Properties"]["SecurityGroupEgress"].append({"IpProtocol": "-1", "CidrIp": "0.0.0.0/0"}),
    "vpc_has_all_traffic_flow_log": lambda t: t["Resources"]["VpcFlowLog"]["Properties"].update(
        TrafficType="REJECT"
    ),
    "log_group_retention": lambda t: t["Resources"]["VpcFlowLogGroup"]["Properties"].pop(
        "RetentionInDays"
    ),
    "kms_key_rotation": lambda t: t["Resources"]["EncryptionKey"]["Properties"].update(
        EnableKeyRotation=False
    ),
}


def canaries(reference: Path, workdir: Path) -> list[str]:
    failures = []
    for rule, break_it in CANARIES.items():
        template = json.loads(reference.read_text())
        break_it(template)
        path = workdir / f"canary-{rule}.json"
        path.write_text(json.dumps(template))
        command = [str(guard_binary()), "validate", "--show-summary", "fail", "--data"]
        command += [str(path), "--rules", str(PROJECT_RULES)]
        code, out = run(command)
        if code == 0 or f"/{rule} " not in out.replace("\t", " "):
            failures.append(f"project guard rule {rule} did not fire on a template breaking it")
    return failures


def main(argv: list[str]) -> int:
    files = [Path(arg) for arg in argv]
    if not files:
        print("usage: scan.py TEMPLATE.json [...]", file=sys.stderr)
        return 2
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        reference = next((f for f in files if f.name == "deploy_vpc.json"), None)
        if reference is not None:
            for problem in canaries(reference, workdir):
                failed = True
                print(f"FAIL  {problem}")
        for name, scanner in SCANNERS.items():
            bad = [(what, out) for what, code, out in scanner(files, workdir) if code != 0]
            print(f"{'FAIL' if bad else 'PASS'}  {name}: {len(files)} templates")
            for what, out in bad:
                failed = True
                print(f"----- {name}: {what}\n{out}\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
