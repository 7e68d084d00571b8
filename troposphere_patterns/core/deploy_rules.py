"""Cross-checks between deploy-time Parameters, as a template's ``Rules`` with ``Fn::Assert``.

A Parameter's own constraints (``MinValue``, ``AllowedValues``) see one value; a pair that must
agree (a minimum at most its maximum) needs a rule, which CloudFormation evaluates before it
creates or updates anything. Rule functions compare strings only (``Fn::Equals``,
``Fn::Contains``; AWS rule functions reference), so "at most" is written out value by value for
the upper Parameter's values below a bound: above it the template cannot compare, and the
service refuses the pair when it reaches the resource.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from troposphere_patterns.records import record

# The upper Parameter's values the rules write out (each adds an assertion listing the lower
# values it allows): small fleets and concurrencies, where a swapped pair is a typo, stay
# cheap in template size.
ENUMERATED_BELOW = 8
# Fn::And takes two to ten conditions.
MAX_AND = 10


@record
class AtMost:
    """Parameter ``low`` must not exceed Parameter ``high`` (both of type Number).

    Attributes:
        low: The Parameter that must be smaller or equal.
        high: The Parameter it must not exceed.
        why: What a deployer reads when the pair disagrees (the assertion's description).
        lowest: The smallest value ``low`` may take (its ``MinValue``). Default 0.
        enumerated_below: The ``high`` values the rule writes out; from this value on the
            rule cannot compare. Default :data:`ENUMERATED_BELOW`.
    """

    low: str
    high: str
    why: str
    lowest: int = 0
    enumerated_below: int = ENUMERATED_BELOW

    def rule(self) -> dict[str, Any]:
        """The rule: for each value ``b`` of ``high`` written out, ``low`` is in ``lowest..b``."""
        clauses = [
            {
                "Fn::Or": [
                    {"Fn::Not": [{"Fn::Equals": [{"Ref": self.high}, str(bound)]}]},
                    {
                        "Fn::Contains": [
                            [str(v) for v in range(self.lowest, bound + 1)],
                            {"Ref": self.low},
                        ]
                    },
                ]
            }
            for bound in range(max(self.lowest, 1), self.enumerated_below)
        ]
        return {"Assertions": [{"Assert": every(clauses), "AssertDescription": self.why}]}


def every(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """``Fn::And`` of the clauses, nested where there are more than the ten it takes."""
    while len(clauses) > MAX_AND:
        clauses = [
            every(clauses[start : start + MAX_AND]) for start in range(0, len(clauses), MAX_AND)
        ]
    return clauses[0] if len(clauses) == 1 else {"Fn::And": clauses}


def rules(checks: Mapping[str, AtMost], kept: Mapping[str, Any]) -> dict[str, Any]:
    """The ``Rules`` section for the checks whose Parameters the template keeps, by rule name."""
    return {
        name: check.rule()
        for name, check in checks.items()
        if check.low in kept and check.high in kept
    }
