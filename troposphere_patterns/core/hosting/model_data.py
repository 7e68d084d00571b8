"""What a SageMaker model's containers load, and exactly what reading it needs.

A model is one ``PrimaryContainer`` or a list of ``Containers`` (multi-container models and
inference pipelines). Each container may pull an ECR image and load data from S3 in one of two
ways: ``ModelDataUrl`` (one compressed artifact, or a prefix for a multi-model container) or
``ModelDataSource.S3DataSource`` (an ``S3Object``, or an uncompressed ``S3Prefix``, which is how
LLM containers load their weights). A prefix is read with ``s3:GetObject`` on ``prefix*`` and
listed with ``s3:ListBucket`` on its bucket under an ``s3:prefix`` condition.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from awacs.aws import Statement
from troposphere import AWSHelperFn, Select, Split, Sub

from troposphere_patterns.core import formats, iam_policies
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record


@record
class S3Read:
    """Read access one container's data needs.

    Attributes:
        object_arn: ARN of the object, or of ``prefix*`` for a prefix.
        bucket_arn: The bucket's ARN when the data is a prefix (to list it), else None.
        prefix: The ``s3:prefix`` condition value (``prefix*``) when the data is a prefix.
    """

    object_arn: Any
    bucket_arn: Any = None
    prefix: Any = None


@record
class Container:
    """One container of a model.

    Attributes:
        path: Where it is, e.g. ``model_props.Containers[1]``.
        props: Its properties.
    """

    path: str
    props: Mapping[str, Any]


def _entries(model_props: Mapping[str, Any], where: str) -> list[tuple[str, Any]]:
    """Every container given, mapping or not, with its path: the one container walker."""
    given: list[tuple[str, Any]] = []
    if "PrimaryContainer" in model_props:
        given.append((f"{where}.PrimaryContainer", model_props["PrimaryContainer"]))
    listed = model_props.get("Containers")
    if isinstance(listed, list | tuple):
        given += [(f"{where}.Containers[{i}]", c) for i, c in enumerate(listed)]
    return given


def containers(model_props: Mapping[str, Any], where: str) -> tuple[Container, ...]:
    """The model's containers that are mappings, each with its path.

    Both ``PrimaryContainer`` and ``Containers`` are read when both are given (a model that
    :func:`problems` refuses), so every rule sees the same containers.
    """
    return tuple(
        Container(path, c) for path, c in _entries(model_props, where) if isinstance(c, Mapping)
    )


def container_problem(model_props: Mapping[str, Any], where: str) -> Problem | None:
    """A model needs exactly one of ``PrimaryContainer`` and ``Containers``."""
    given = [name for name in ("PrimaryContainer", "Containers") if name in model_props]
    if not given:
        return Problem(f"{where}.PrimaryContainer", "required (or Containers) to create a model")
    if len(given) == 2:
        return Problem.line(
            parse_path(f"{where}.PrimaryContainer"),
            f"{where}.PrimaryContainer and {where}.Containers: give one or the other",
        )
    return None


def images(given: Sequence[Container]) -> list[tuple[str, Any]]:
    """Every container's ``Image``, with its path."""
    return [(f"{c.path}.Image", c.props["Image"]) for c in given if "Image" in c.props]


def s3_reads(given: Sequence[Container]) -> list[S3Read]:
    """What every container reads from S3 (call after :func:`problems` found none)."""
    return _collect(given)[0]


def read_statements(reads: list[S3Read]) -> list[Statement]:
    """``s3:GetObject`` on every object and prefix, ``s3:ListBucket`` under each prefix."""
    if not reads:
        return []
    unique: dict[str, S3Read] = {}
    for read in reads:
        unique.setdefault(_json(read.object_arn), read)
    statements = [iam_policies.s3_read([read.object_arn for read in unique.values()])]
    listed = [read for read in unique.values() if read.bucket_arn is not None]
    for number, read in enumerate(listed, start=1):
        sid = "ModelArtifactList" + (str(number) if len(listed) > 1 else "")
        statements.append(iam_policies.s3_prefix_list(read.bucket_arn, read.prefix, sid))
    return statements


def _json(value: Any) -> str:
    return repr(value.to_dict()) if isinstance(value, AWSHelperFn) else repr(value)


def _collect(given: Sequence[Container]) -> tuple[list[S3Read], list[Problem]]:
    reads: list[S3Read] = []
    found: list[Problem] = []
    for path, container in ((c.path, c.props) for c in given):
        locations: list[tuple[Any, bool, str]] = []
        if "ModelDataUrl" in container and "ModelDataSource" in container:
            found.append(
                Problem.line(
                    parse_path(f"{path}.ModelDataUrl"),
                    f"{path}.ModelDataUrl and {path}.ModelDataSource: give one or the other",
                )
            )
        if "ModelDataUrl" in container:
            multi_model = container.get("Mode") == "MultiModel"
            locations.append((container["ModelDataUrl"], multi_model, f"{path}.ModelDataUrl"))
        source = container.get("ModelDataSource")
        s3 = source.get("S3DataSource") if isinstance(source, Mapping) else None
        if isinstance(s3, Mapping) and "S3Uri" in s3:
            prefix = s3.get("S3DataType") == "S3Prefix"
            locations.append((s3["S3Uri"], prefix, f"{path}.ModelDataSource.S3DataSource.S3Uri"))
        for uri, prefix, location in locations:
            try:
                reads.append(_read(uri, prefix=prefix, where=location))
            except ValueError as error:  # its message starts with the location
                found.append(Problem.line(parse_path(location), str(error)))
    return reads, found


def _read(uri: Any, *, prefix: bool, where: str) -> S3Read:
    if not prefix:
        try:
            return S3Read(iam_policies.s3_object_arn(uri))
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from error
    text, variables = _sub_parts(uri)
    if text is None:
        return _deploy_time_read(uri)
    # Fn::Sub variables (${AWS::Region}) may stand anywhere, the bucket's name included: check
    # the URI's shape with each variable as a placeholder, and cut the template string itself.
    shape = text if variables is None else re.sub(_VARIABLE, _PLACEHOLDER, text)
    if formats.S3_PREFIX_URI.match(shape) is None:
        if variables is not None and shape == _PLACEHOLDER:  # the whole URI is one variable
            return _deploy_time_read(uri)
        raise ValueError(f"{where}: {formats.S3_PREFIX_URI.refusal(text)}")
    bucket, _, key = text.removeprefix("s3://").partition("/")
    if variables is None:  # a literal: nothing in it is a Sub variable
        return S3Read(
            object_arn=Sub(f"arn:${{AWS::Partition}}:s3:::{bucket}/{_escaped(key)}*"),
            bucket_arn=Sub(f"arn:${{AWS::Partition}}:s3:::{bucket}"),
            prefix=f"{key}*",
        )
    return S3Read(
        object_arn=_sub(f"arn:${{AWS::Partition}}:s3:::{bucket}/{key}*", variables),
        bucket_arn=_sub(f"arn:${{AWS::Partition}}:s3:::{bucket}", variables),
        # Keep a deploy-time prefix deploy-time: the same Fn::Sub variables, cut the same way.
        prefix=_sub(f"{key}*", variables) if re.search(_VARIABLE, key) else f"{key}*",
    )


# What a variable stands for while the shape is checked: a name a bucket may have.
_PLACEHOLDER = "sub"
# A Fn::Sub variable, ${Name} or ${AWS::Region} (not the escaped literal ${!Name}).
_VARIABLE = r"\$\{(?!!)([^}]*)\}"  # compiled on first use (re caches it)


def _escaped(text: str) -> str:
    """A literal as Fn::Sub text: ``${`` in an S3 key stays literal."""
    return text.replace("${", "${!")


def _sub(text: str, variables: Mapping[str, Any]) -> Sub:
    """``Fn::Sub`` of ``text`` with only the variables it uses (cfn-lint W1019 otherwise)."""
    used = {name: value for name, value in variables.items() if f"${{{name}}}" in text}
    return Sub(text, **used)


def _deploy_time_read(uri: Any) -> S3Read:
    """A prefix known at deploy time (a ``Ref`` to a Parameter): cut with ``Fn::Split``.

    Objects are read under the whole ``bucket/prefix``, as for a ``ModelDataUrl``. The
    listing's ``s3:prefix`` is the prefix's first path segment: ``Fn::Split`` takes only a
    literal delimiter, so the rest of the key cannot be cut from the bucket at deploy time
    (an ``Fn::Sub`` with a literal bucket and prefix gets the exact prefix).
    """
    path = Select(1, Split("s3://", uri))
    return S3Read(
        object_arn=Sub("arn:${AWS::Partition}:s3:::${Path}*", Path=path),
        bucket_arn=Sub("arn:${AWS::Partition}:s3:::${Bucket}", Bucket=Select(0, Split("/", path))),
        prefix=Sub("${First}*", First=Select(1, Split("/", path))),
    )


def _sub_parts(uri: Any) -> tuple[str | None, dict[str, Any] | None]:
    """A literal URI (no variables), an ``Fn::Sub`` one's template and variables, or None.

    None for any other intrinsic (a ``Ref``): its value is known only at deploy time.
    """
    if not isinstance(uri, AWSHelperFn):
        return str(uri), None
    body = uri.to_dict().get("Fn::Sub") if isinstance(uri, Sub) else None
    if isinstance(body, str):
        return body, {}
    if isinstance(body, list) and len(body) == 2 and isinstance(body[0], str):
        return body[0], dict(body[1])
    return None, None


def _intrinsic_containers(model_props: Mapping[str, Any], where: str) -> list[Problem]:
    """Containers the grants cannot be read from: an intrinsic in place of the mapping."""
    listed = model_props.get("Containers", [])
    if isinstance(listed, AWSHelperFn):  # troposphere refuses any other non-list, and says so
        return [
            Problem(f"{where}.Containers", f"must be a list, not {type(listed).__name__}{_WHY}")
        ]
    return [
        Problem(path, f"must be a mapping or a ContainerDefinition, not {type(c).__name__}{_WHY}")
        for path, c in _entries(model_props, where)
        if not isinstance(c, Mapping)
    ]


_WHY = ": the role's grants are scoped to each Image and its model data (put intrinsics inside)"


def problems(
    model_props: Mapping[str, Any], given: Sequence[Container], where: str
) -> list[Problem]:
    """Every problem with the model's containers and what they load, each naming its path.

    Args:
        model_props: The model's properties.
        given: Its containers (:func:`containers`).
        where: The model's path in the caller's props.
    """
    shape = container_problem(model_props, where)
    if shape is not None:
        return [shape]
    found = _intrinsic_containers(model_props, where)
    for path, image in images(given):
        try:
            iam_policies.ecr_repository_arn(image)
        except ValueError as error:
            found.append(Problem(path, str(error)))
    for container in given:
        found += _eula_problems(container)
    return found + _collect(given)[1]


def _eula_problems(container: Container) -> list[Problem]:
    """``ModelAccessConfig.AcceptEula``: an explicit true, and only on ``ModelDataSource``.

    Gated weights (Llama-class JumpStart models) load only with the EULA accepted; without it
    the endpoint fails late, after the instances started. CreateModel takes the acceptance on
    ``ModelDataSource.S3DataSource`` alone: a ``ModelDataUrl`` has nowhere to carry it.
    """
    path, props = container.path, container.props
    found: list[Problem] = []
    if "ModelAccessConfig" in props:
        found.append(
            Problem(
                f"{path}.ModelAccessConfig",
                "goes in ModelDataSource.S3DataSource.ModelAccessConfig: CreateModel takes a "
                "EULA acceptance only there (a ModelDataUrl carries none); load gated weights "
                "with ModelDataSource",
            )
        )
    source = props.get("ModelDataSource")
    s3 = source.get("S3DataSource") if isinstance(source, Mapping) else None
    access = s3.get("ModelAccessConfig") if isinstance(s3, Mapping) else None
    if isinstance(access, Mapping):
        accept, where = access.get("AcceptEula"), f"{path}.ModelDataSource.S3DataSource"
        if accept is not True and not isinstance(accept, AWSHelperFn):
            found.append(
                Problem(
                    f"{where}.ModelAccessConfig.AcceptEula",
                    f"{accept!r} must be true to accept the model's EULA (a gated model then "
                    "fails late); drop ModelAccessConfig for a model that has none",
                )
            )
    return found
