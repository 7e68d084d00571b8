"""Pinning the models a client of a multi-model endpoint may call.

A multi-model endpoint loads whichever artifact under its S3 prefix a request names in
``TargetModel``. Without a pin, a client allowed to invoke the endpoint may call every model the
prefix holds, now and later. With one, the client's grant carries the ``sagemaker:TargetModel``
condition key (SageMaker's service authorization reference: "Filters access by the target model
associated with the Multi-Model Endpoint in the request"), so IAM refuses any other model
(:func:`iam_policies.invoke_endpoint`), and the client's code reads the same list from
:data:`ENVIRONMENT_VARIABLE` to refuse it first with a clear answer instead of an AccessDenied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from troposphere_patterns.core import formats
from troposphere_patterns.errors import Problem

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.plan import EndpointPlan

# The client's environment variable: the allowed target models, comma-separated.
ENVIRONMENT_VARIABLE = "SAGEMAKER_TARGET_MODELS"
# Lambda: "The total size of all environment variables doesn't exceed 4 KB"; the list must
# leave room for the function's other variables.
MAX_VARIABLE_CHARACTERS = 3072
MULTI_MODEL = "MultiModel"


def problems(
    target_models: Any,
    where: str,
    plan: EndpointPlan | None,
    *,
    asynchronous: bool,
) -> list[Problem]:
    """Every problem with the pinned models, and with the endpoint they are pinned on.

    Args:
        target_models: The caller's value (a tuple or list of strings).
        where: The props field's name.
        plan: The created endpoint's plan; None for an existing endpoint (its mode is unknown).
        asynchronous: The endpoint is asynchronous: ``InvokeEndpointAsync`` takes no target model.
    """
    if not isinstance(target_models, tuple | list) or not target_models:
        return [Problem(where, f"{target_models!r} must be a non-empty list of model names")]
    found: list[Problem] = []
    for index, name in enumerate(target_models):
        problem = formats.TARGET_MODEL.problem(name, f"{where}[{index}]")
        if problem is not None:
            found.append(problem)
    if not found and len(",".join(target_models)) > MAX_VARIABLE_CHARACTERS:
        found.append(
            Problem(
                where,
                f"the names take over {MAX_VARIABLE_CHARACTERS} characters together: Lambda "
                f"holds at most 4 KB of environment variables ({ENVIRONMENT_VARIABLE})",
            )
        )
    if asynchronous:
        found.append(
            Problem.line(
                (where, "async_inference"),
                f"{where} with async_inference: asynchronous endpoints take no target model "
                "(InvokeEndpointAsync has no TargetModel)",
            )
        )
    elif plan is not None and not _hosts_many(plan):
        found.append(
            Problem.line(
                (where, "model_props"),
                f"{where} without a model_props container in Mode {MULTI_MODEL!r}: only a "
                "multi-model endpoint takes a target model",
            )
        )
    return found


def _hosts_many(plan: EndpointPlan) -> bool:
    """A container is multi-model, or may be (its mode or the containers are intrinsics)."""
    modes = [container.props.get("Mode") for container in plan.containers]
    return not modes or any(
        mode == MULTI_MODEL or not isinstance(mode, str | None) for mode in modes
    )


def environment(target_models: Sequence[str] | None) -> Mapping[str, str]:
    """The client's environment: the allowed models, comma-separated (none when not pinned)."""
    return {ENVIRONMENT_VARIABLE: ",".join(target_models)} if target_models else {}
