"""Hard CloudFormation limits a rendered template must respect, checked before deployment.

The values are the documented quotas in "Understand CloudFormation quotas" (AWS CloudFormation
User Guide, https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html):
rows "Resources", "Template body size in a request" and "Template body size in an Amazon S3
object". Sizes are counted in bytes of the UTF-8 encoded body, as CloudFormation and the AWS CLI
count them (``aws cloudformation deploy`` compares the template file's size on disk).

Every function here is pure: it reads its arguments and returns or raises, nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from troposphere_patterns.errors import TemplateLimitError

# Quota "Resources": the maximum number of resources declared in one template.
MAX_RESOURCES: Final = 500
# Quota "Template body size in an Amazon S3 object": 1 MB, for a body passed as a TemplateURL
# (``aws cloudformation deploy --s3-bucket``, ``create-stack --template-url``).
MAX_BODY_BYTES_S3: Final = 1_048_576
# Quota "Template body size in a request": a body passed inline as TemplateBody. This is what
# ``aws cloudformation deploy`` does without ``--s3-bucket``; it refuses larger files itself.
MAX_BODY_BYTES_INLINE: Final = 51_200

_COMPACT_SEPARATORS: Final = (",", ":")


def body_size(text: str) -> int:
    """Return the size of a template body in bytes, UTF-8 encoded.

    Args:
        text: The template body (JSON or YAML) as it will be written.

    Returns:
        The number of bytes CloudFormation counts against its size quotas.
    """
    return len(text.encode("utf-8"))


def minified_size(template_dict: Mapping[str, Any]) -> int:
    """Return the size in bytes of a template serialized as compact JSON.

    Compact JSON has no indentation and no spaces after separators, and keeps non-ASCII
    characters as UTF-8 rather than escaping them: the smallest JSON form of the template.

    Args:
        template_dict: The template as plain data, e.g. ``Template.to_dict()`` or the result
            of ``json.loads`` on the rendered body.

    Returns:
        The size in bytes of the UTF-8 encoded compact JSON.
    """
    return body_size(
        json.dumps(dict(template_dict), separators=_COMPACT_SEPARATORS, ensure_ascii=False)
    )


def _minified_text_size(text: str) -> int | None:
    """Size of ``text`` as compact JSON, or None when ``text`` is not a JSON object (e.g. YAML)."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return minified_size(data) if isinstance(data, dict) else None


def check_resource_count(count: int, adding: int = 0) -> None:
    """Refuse a template that holds, or would hold, more resources than CloudFormation allows.

    Args:
        count: Resources already in the template.
        adding: Resources about to be added to it.

    Raises:
        TemplateLimitError: ``count + adding`` exceeds :data:`MAX_RESOURCES`; the message gives
            the total and the limit.
        ValueError: ``count`` or ``adding`` is negative.
    """
    if count < 0 or adding < 0:
        raise ValueError(f"resource counts cannot be negative (count={count}, adding={adding})")
    total = count + adding
    if total <= MAX_RESOURCES:
        return
    if adding:
        held = f"template would hold {total} resources ({count} already, {adding} being added)"
    else:
        held = f"template holds {total} resources"
    raise TemplateLimitError(
        f"{held}; CloudFormation allows at most {MAX_RESOURCES} per template: split the "
        "instances across several stacks (or nested stacks)"
    )


def check_body_size(text: str) -> None:
    """Refuse a template body larger than CloudFormation accepts even from Amazon S3.

    Args:
        text: The template body (JSON or YAML) as it will be written.

    Raises:
        TemplateLimitError: The UTF-8 body exceeds :data:`MAX_BODY_BYTES_S3`; the message gives
            the size, the limit and, for JSON, whether the minified form would fit.
    """
    size = body_size(text)
    if size <= MAX_BODY_BYTES_S3:
        return
    message = (
        f"template body is {size:,} bytes (UTF-8); CloudFormation accepts at most "
        f"{MAX_BODY_BYTES_S3:,} bytes (1 MB) even from an S3 bucket"
    )
    minified = _minified_text_size(text)
    if minified is not None and minified <= MAX_BODY_BYTES_S3:
        message += f"; minified JSON would be {minified:,} bytes and fit"
    else:
        message += ": split the template into several stacks (or nested stacks)"
    raise TemplateLimitError(message)


def inline_deploy_warning(text: str, *, minified: bool = False) -> str | None:
    """Return a warning when the body is too large to pass to CloudFormation inline.

    Args:
        text: The template body (JSON or YAML) exactly as it will be written to the file
            given to ``aws cloudformation deploy --template-file``.
        minified: ``text`` is minified already (``--minify``): suggesting it would not help.
            Default False.

    Returns:
        None when the body is at most :data:`MAX_BODY_BYTES_INLINE` bytes; otherwise a message
        giving the size and the limit, saying ``aws cloudformation deploy`` needs
        ``--s3-bucket`` and, for JSON, whether the minified form would fit inline.
    """
    size = body_size(text)
    if size <= MAX_BODY_BYTES_INLINE:
        return None
    message = (
        f"template body is {size:,} bytes, over the {MAX_BODY_BYTES_INLINE:,} bytes "
        "CloudFormation accepts inline: `aws cloudformation deploy` will need "
        "--s3-bucket BUCKET (or upload it and use --template-url)"
    )
    if minified:
        return message + "; it is minified already"
    size_minified = _minified_text_size(text)
    if size_minified is not None:
        verdict = (
            "would fit inline" if size_minified <= MAX_BODY_BYTES_INLINE else "would not fit either"
        )
        message += f"; minified JSON (--minify) would be {size_minified:,} bytes and {verdict}"
    return message
