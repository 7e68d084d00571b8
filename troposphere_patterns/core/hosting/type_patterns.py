"""Instance types as one regular expression: the ``InstanceType`` Parameter's AllowedPattern.

Apart from the table so that ``scripts/instance_types.py`` can write every type's pattern into
the table it generates (``ALLOWED_PATTERN``) from this one function.
"""

from __future__ import annotations

from collections.abc import Sequence


def pattern_of(instance_types: Sequence[str]) -> str:
    r"""``instance_types`` as one regular expression, a Parameter's ``AllowedPattern``.

    Families with the same sizes share one alternative, in the table's order:
    ``ml\.(t2\.(medium|large|xlarge|2xlarge)|(m5|c5)\.(large|(2|4|...)?xlarge)|...)``. It
    matches exactly those types (CloudFormation matches the whole value), so a deploy with any
    other value is refused before anything is created.
    """
    # Family and size names are letters, digits and hyphens (a test holds the table to that):
    # literal in a regular expression outside brackets, so nothing is escaped.
    sizes: dict[str, list[str]] = {}
    for instance_type in instance_types:
        _, name, size = instance_type.split(".", 2)
        sizes.setdefault(name, []).append(size)
    families: dict[tuple[str, ...], list[str]] = {}
    for name, known in sizes.items():
        families.setdefault(tuple(known), []).append(name)
    alternatives = [f"{_one_of(names)}\\.{_sizes(known)}" for known, names in families.items()]
    return f"ml\\.({'|'.join(alternatives)})"


def _one_of(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"({'|'.join(names)})"


def _sizes(sizes: Sequence[str]) -> str:
    """Sizes as one alternative, the multiples of xlarge together: ``(large|(2|4)?xlarge)``."""
    multiples = [size.removesuffix("xlarge") for size in sizes if _multiple_of_xlarge(size)]
    if len(multiples) < 2:
        return _one_of(sizes)
    others = [size for size in sizes if size != "xlarge" and not _multiple_of_xlarge(size)]
    optional = "?" if "xlarge" in sizes else ""
    return _one_of([*others, f"{_one_of(multiples)}{optional}xlarge"])


def _multiple_of_xlarge(size: str) -> bool:
    """``2xlarge``, ``48xlarge``: digits, then ``xlarge`` (string tests: run on every size)."""
    digits = size.removesuffix("xlarge")
    return digits != size and digits.isascii() and digits.isdigit()
