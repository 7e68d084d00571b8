"""Goldens: every scenario renders exactly as reviewed, and cfn-lint passes it.

``tests/golden/`` holds three kinds of file, each written by ``make golden``:

* ``logical_ids.json``: per scenario, its resources (logical ID: type) and the IDs of its
  Parameters, Conditions and Outputs, one per line. A renamed logical ID replaces a live
  resource on the next deploy; here it is a one-line diff that cannot hide.
* ``default.json``: the ``default`` scenario rendered whole.
* ``<scenario>.json``: what that scenario's render changes in ``default.json``, as JSON
  Pointer paths (RFC 6901, without the leading slash) to keys ``added``, ``removed`` or
  ``replaced``: a feature's golden shows that feature only. Lists of the same length are
  compared item by item; a list that changes length is replaced whole.

The check is exact: ``default.json`` with a scenario's changes applied is, byte for byte in the
canonical form ``dumps`` writes, the scenario's render.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.templates_helpers import SCENARIO_NAMES, cfn_lint, dumps, scenario

GOLDEN = Path(__file__).parent / "golden"
BASE = "default"
LOGICAL_IDS = "logical_ids.json"
SECTIONS = ("Parameters", "Conditions", "Outputs")
RENAME_WARNING = (
    "a renamed logical ID replaces a live resource; run `make golden` only on purpose "
    "and review the diff"
)

Report = Callable[[str], None]


# --------------------------------------------------------------------------- difference


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _same(old: Any, new: Any) -> bool:
    # type() too: in Python 1 == 1.0 == True, and each is a different byte in the template.
    return type(old) is type(new) and old == new


def difference(old: Any, new: Any) -> dict[str, Any]:
    """What turns ``old`` into ``new``: keys added, removed and replaced, by path."""
    added: dict[str, Any] = {}
    removed: list[str] = []
    replaced: dict[str, Any] = {}

    def walk(old: Any, new: Any, path: str) -> None:
        if isinstance(old, dict) and isinstance(new, dict):
            for key in sorted(old.keys() | new.keys()):
                at = f"{path}/{_escape(key)}"
                if key not in new:
                    removed.append(at)
                elif key not in old:
                    added[at] = new[key]
                else:
                    walk(old[key], new[key], at)
        elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
            for index, (old_item, new_item) in enumerate(zip(old, new, strict=True)):
                walk(old_item, new_item, f"{path}/{index}")
        elif not _same(old, new):
            replaced[path] = new

    walk(old, new, "")
    result = {"added": added, "removed": removed, "replaced": replaced}
    return {
        section: (
            {path.removeprefix("/"): v for path, v in value.items()}
            if isinstance(value, dict)
            else [path.removeprefix("/") for path in value]
        )
        for section, value in result.items()
        if value
    }


def _parent(root: Any, path: str) -> tuple[Any, str | int]:
    *tokens, last = [_unescape(token) for token in path.split("/")]
    node = root
    for token in tokens:
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node, int(last) if isinstance(node, list) else last


def apply(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Return ``base`` (left as it is) with ``changes`` (from ``difference``) applied."""
    result: dict[str, Any] = json.loads(json.dumps(base))
    if "" in changes.get("replaced", {}):
        replaced: dict[str, Any] = changes["replaced"][""]
        return replaced
    for path in changes.get("removed", []):
        parent, key = _parent(result, path)
        assert isinstance(parent, dict) and key in parent, f"nothing at {path}"
        del parent[key]
    for path, value in changes.get("replaced", {}).items():
        parent, key = _parent(result, path)
        assert isinstance(parent, list) or key in parent, f"nothing at {path}"
        parent[key] = value
    for path, value in changes.get("added", {}).items():
        parent, key = _parent(result, path)
        assert isinstance(parent, dict) and key not in parent, f"already at {path}"
        parent[key] = value
    return result


def golden_text(name: str) -> str:
    """The text ``tests/golden/<name>.json`` must hold for the scenario's current render."""
    if name == BASE:
        return dumps(scenario(BASE))
    return dumps(difference(scenario(BASE), scenario(name)))


def logical_ids(template: dict[str, Any]) -> dict[str, Any]:
    """Resources (sorted logical ID: type), then the sorted IDs of each other section."""
    resources = template["Resources"]
    entry: dict[str, Any] = {"Resources": {k: resources[k]["Type"] for k in sorted(resources)}}
    for section in SECTIONS:
        if section in template:
            entry[section] = sorted(template[section])
    return entry


def logical_ids_text() -> str:
    # Not sort_keys: each scenario lists its Resources first, as built above.
    fresh = {name: logical_ids(scenario(name)) for name in SCENARIO_NAMES}
    return json.dumps(fresh, indent=1) + "\n"


def _unified(old: str, new: str, old_name: str, new_name: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(), new.splitlines(), old_name, new_name, lineterm=""
    )
    return "\n".join(lines)


def _id_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Per scenario, the logical IDs that appeared (+) and disappeared (-)."""
    lines = []
    for name in sorted(old.keys() | new.keys()):
        if name not in old:
            lines.append(f"{name}: new scenario")
            continue
        if name not in new:
            lines.append(f"{name}: scenario removed")
            continue
        changes = []
        for section in ("Resources", *SECTIONS):
            before, after = old[name].get(section, {}), new[name].get(section, {})
            for logical_id in sorted(set(after) - set(before)):
                kind = f" ({after[logical_id]})" if section == "Resources" else ""
                changes.append(f"+{section}/{logical_id}{kind}")
            for logical_id in sorted(set(before) - set(after)):
                kind = f" ({before[logical_id]})" if section == "Resources" else ""
                changes.append(f"-{section}/{logical_id}{kind}")
            if section == "Resources":
                for logical_id in sorted(set(before) & set(after)):
                    if before[logical_id] != after[logical_id]:
                        changes.append(
                            f"~Resources/{logical_id} ({before[logical_id]} -> {after[logical_id]})"
                        )
        if changes:
            lines.append(f"{name}: {', '.join(changes)}")
    return lines


# --------------------------------------------------------------------------- the goldens


@pytest.fixture(scope="module")
def stored() -> dict[str, str]:
    """The golden files as they were before this module's tests ran (which may rewrite them)."""
    return {path.name: path.read_text() for path in sorted(GOLDEN.glob("*.json"))}


def _stored_render(stored: dict[str, str], name: str) -> str | None:
    """A scenario's template as the stored goldens have it, in ``dumps`` form."""
    try:
        base = json.loads(stored[f"{BASE}.json"])
        if name == BASE:
            return dumps(base)
        return dumps(apply(base, json.loads(stored[f"{name}.json"])))
    except (KeyError, IndexError, TypeError, ValueError, AssertionError):
        return None


def test_logical_ids_match_the_reviewed_list(
    stored: dict[str, str], update_golden: bool, report_update: Report
) -> None:
    text = logical_ids_text()
    fresh, old = json.loads(text), json.loads(stored.get(LOGICAL_IDS, "{}"))
    if update_golden:
        if stored.get(LOGICAL_IDS) != text:
            (GOLDEN / LOGICAL_IDS).write_text(text)
            for line in _id_changes(old, fresh) or ["none appeared or disappeared"]:
                report_update(f"logical IDs: {line}")
        return
    assert LOGICAL_IDS in stored, f"no golden/{LOGICAL_IDS}: run `make golden`"
    if stored[LOGICAL_IDS] != text:
        changes = "\n".join(_id_changes(old, fresh))
        diff = _unified(stored[LOGICAL_IDS], text, f"golden/{LOGICAL_IDS}", "rendered")
        pytest.fail(f"logical IDs changed ({RENAME_WARNING}):\n{changes}\n{diff}")


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_matches_golden(
    name: str, stored: dict[str, str], update_golden: bool, report_update: Report
) -> None:
    rendered = dumps(scenario(name))
    file = f"{name}.json"
    text = golden_text(name)
    if name != BASE:
        # The stored form must rebuild the render exactly, or comparing it would prove nothing.
        assert dumps(apply(scenario(BASE), json.loads(text))) == rendered
    if update_golden:
        if stored.get(file) != text:
            (GOLDEN / file).write_text(text)
        if file not in stored:
            report_update(f"scenario {name}: new (golden/{file})")
        elif _stored_render(stored, name) != rendered:
            report_update(f"scenario {name}: template changed (golden/{file})")
        return
    assert file in stored, f"no golden for {name}: run `make golden` and review the diff"
    if stored[file] != text:
        what = "template" if name == BASE else f"difference from {BASE}.json"
        diff = _unified(stored[file], text, f"golden/{file}", "rendered")
        pytest.fail(f"{name}'s {what} differs from its golden ({RENAME_WARNING}):\n{diff}")


def test_no_stray_goldens(
    stored: dict[str, str], update_golden: bool, report_update: Report
) -> None:
    expected = {LOGICAL_IDS, *(f"{name}.json" for name in SCENARIO_NAMES)}
    strays = sorted(set(stored) - expected)
    if update_golden:
        for file in strays:
            (GOLDEN / file).unlink(missing_ok=True)
            report_update(f"golden/{file}: removed (no such scenario)")
        return
    assert strays == [], "goldens of no scenario: run `make golden`"


# --------------------------------------------------------------------------- the difference


def test_difference_shows_each_change_once_at_its_path() -> None:
    old = {"a": {"b": 1, "c": [1, 2], "gone": 0}, "list": [{"x": 1}, {"x": 2}], "n": 1}
    new = {"a": {"b": 1.0, "c": [1, 2, 3], "new~/": 0}, "list": [{"x": 1}, {"x": 3}], "n": 1}
    assert difference(old, new) == {
        "added": {"a/new~0~1": 0},
        "removed": ["a/gone"],
        "replaced": {"a/b": 1.0, "a/c": [1, 2, 3], "list/1/x": 3},
    }
    assert dumps(apply(old, difference(old, new))) == dumps(new)
    assert difference(new, new) == {}
    assert apply(old, {}) == old and old["a"]["gone"] == 0  # apply leaves its input alone


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"removed": ["a/missing"]}, "nothing at a/missing"),
        ({"replaced": {"a/missing": 1}}, "nothing at a/missing"),
        ({"added": {"a/b": 2}}, "already at a/b"),
    ],
)
def test_a_difference_that_does_not_fit_the_base_is_refused(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(AssertionError, match=message):
        apply({"a": {"b": 1}}, changes)


# --------------------------------------------------------------------------- cfn-lint


# A template cfn-lint must fault (E1020): the endpoint refers to a config that does not exist.
CONTROL = "control: endpoint without its config"


def _control() -> dict[str, Any]:
    broken = scenario(BASE)
    broken["Resources"]["SagemakerEndpoint"]["Properties"]["EndpointConfigName"] = {"Ref": "No"}
    return broken


@pytest.fixture(scope="module")
def lint_findings() -> dict[str, list[str]]:
    """cfn-lint's findings for every scenario (and CONTROL), from the session's one runner."""
    templates = {name: scenario(name) for name in SCENARIO_NAMES}
    return {
        name: [str(match) for match in cfn_lint(json.dumps(template))]
        for name, template in {**templates, CONTROL: _control()}.items()
    }


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_cfn_lint_passes(name: str, lint_findings: dict[str, list[str]]) -> None:
    assert lint_findings[name] == []


def test_the_shared_runner_finds_a_fault(lint_findings: dict[str, list[str]]) -> None:
    assert [f[:6] for f in lint_findings[CONTROL]] == ["[E1020"], lint_findings[CONTROL]
