"""Property-based tests of the library contract, with random valid and hostile props.

Whatever the props, ``add_lambda_sagemakerendpoint`` either adds a template that renders and
that cfn-lint passes, or raises ``PatternPropsError`` (each problem a ``Problem`` whose path
starts with a field) or ``TemplateLimitError``, leaving the caller's template and function
exactly as they were.
``make test`` runs a bounded, derandomized number of examples; ``make fuzz`` many more.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cfnlint.rules.formats.FormatKeyword import FormatKeyword
from hypothesis import given, note, settings
from hypothesis import strategies as st
from troposphere import Template

from tests.props_strategies import (
    FIELD_NAMES,
    caller_template,
    examples,
    hostile_fields,
    valid_fields,
)
from tests.scenarios import caller_function
from tests.templates_helpers import cfn_lint
from troposphere_patterns import (
    LambdaSagemakerEndpointProps,
    PatternPropsError,
    TemplateLimitError,
    add_lambda_sagemakerendpoint,
)
from troposphere_patterns.errors import Problem


def _names_a_field(problem: str) -> bool:
    """A problem is a Problem whose path starts with a props field."""
    return isinstance(problem, Problem) and bool(problem.path) and problem.path[0] in FIELD_NAMES


# cfn-lint 1.58 cannot parse a character outside the BMP written as an escaped surrogate pair
# (valid JSON, as to_json writes it); it reads the same character written raw.
_SURROGATE_PAIR = re.compile(r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _astral(pair: re.Match[str]) -> str:
    high, low = int(pair[1], 16) - 0xD800, int(pair[2], 16) - 0xDC00
    return chr(0x10000 + (high << 10) + low)


def _snapshot(template: Template) -> str:
    return json.dumps(template.to_dict(), sort_keys=True)


# What a caller's own value must match in the provider schema: an enum (E3030), a pattern
# (E3031), a length or range (E3032-E3034), one of several value formats (E3017, a KMS key as
# ARN, ID or alias), a tag key's rules (E3024), an ID or ARN format (the format rules).
# CloudFormation checks these on deploy and the pattern does not repeat the provider schemas:
# valid draws must not trip them; a hostile value that is accepted may.
_VALUE_DOMAIN_RULES = {"E3017", "E3024", "E3030", "E3031", "E3032", "E3033", "E3034"}


def _is_value_domain(match: Any) -> bool:
    return match.rule.id in _VALUE_DOMAIN_RULES or isinstance(match.rule, FormatKeyword)


def _lint_errors(text: str, *, value_domain: bool = True) -> list[str]:
    matches = cfn_lint(_SURROGATE_PAIR.sub(_astral, text))
    return [
        str(match)
        for match in matches
        if match.rule.id.startswith("E") and (value_domain or not _is_value_domain(match))
    ]


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"the template holds {constant}, which is not JSON")

    return json.loads(text, parse_constant=refuse)


def assert_contract(
    fields: dict[str, Any], *, existing_function: bool = False, must_build: bool = False
) -> str | None:
    """Apply the pattern; return the rendered template, or None when it refused the props."""
    template = caller_template()
    if existing_function:
        fields = {**fields, "lambda_function_props": None}
        fields["existing_lambda_obj"] = caller_function(template, in_vpc=_in_vpc(fields))
    before = _snapshot(template)
    try:
        add_lambda_sagemakerendpoint(template, LambdaSagemakerEndpointProps(**fields))
    except PatternPropsError as error:
        note(str(error))
        refusal = str(error)
        assert error.problems
        for problem in error.problems:
            assert _names_a_field(problem), f"names no field: {problem}"
    except TemplateLimitError as error:
        refusal = str(error)
    else:
        text = template.to_json()
        _strict_json(text)
        errors = _lint_errors(text, value_domain=must_build)
        assert errors == [], f"accepted, but cfn-lint reports: {errors}"
        return text
    assert _snapshot(template) == before, "the caller's template changed on error"
    if must_build:
        raise AssertionError(f"valid props were refused: {refusal}")
    return None


def _in_vpc(fields: dict[str, Any]) -> bool:
    return bool(fields.get("deploy_vpc")) or fields.get("existing_vpc") is not None


@settings(max_examples=examples(test=10, fuzz=1000))
@given(valid_fields())
def test_valid_props_build_render_and_lint_clean(fields: dict[str, Any]) -> None:
    assert_contract(fields, must_build=True)


@settings(max_examples=examples(test=100, fuzz=10_000))
@given(hostile_fields())
def test_hostile_props_are_refused_by_name_or_build_clean(fields: dict[str, Any]) -> None:
    assert_contract(fields)


@settings(max_examples=examples(test=15, fuzz=1500))
@given(st.booleans().flatmap(lambda valid: st.tuples(st.just(valid), _fields(valid))))
def test_an_existing_function_gets_the_pattern_or_stays_unchanged(
    drawn: tuple[bool, dict[str, Any]],
) -> None:
    valid, fields = drawn
    assert_contract(fields, existing_function=True, must_build=valid)


def _fields(valid: bool) -> st.SearchStrategy[dict[str, Any]]:
    return valid_fields() if valid else hostile_fields()
