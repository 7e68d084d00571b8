"""Data capture: a sample of an endpoint's requests and responses, written to S3.

What an endpoint receives and answers, kept for the caller's own analysis (queries, audits, a
retraining set): the endpoint config's ``DataCaptureConfig`` writes it. (SageMaker Model
Monitor, which reads such captures, closed to new customers on 30 July 2026, AWS's
availability note in the developer guide.) The capture goes under one prefix of
the pattern's bucket (or the caller's S3 URI), encrypted with the pattern's key, and the
execution role may write exactly that prefix.

troposphere 4.11.1 attaches the batch-transform ``DataCaptureConfig`` class
(``DestinationS3Uri``, ``GenerateInferenceId``, ``KmsKeyId``) to ``AWS::SageMaker::EndpointConfig``,
so ``EnableCapture``, ``CaptureOptions`` and ``InitialSamplingPercentage`` are refused and what
it accepts fails cfn-lint (``CaptureOptions`` and the sampling percentage are required). The
property is built correctly here, once: :class:`EndpointConfig` is troposphere's class with the
endpoint-config ``DataCaptureConfig`` in its property table, and every EndpointConfig the
project builds or checks uses it (a caller's own ``DataCaptureConfig`` passes too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from awacs.aws import Allow, Statement
from troposphere import Sub

from troposphere_patterns.core import actions, formats
from troposphere_patterns.core.bucket import PatternBucket
from troposphere_patterns.core.options import number_problem, present
from troposphere_patterns.core.values import Value
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.plan import Variant

# The prefix of the pattern's bucket that captured data goes under.
PREFIX = "data-capture/"
CAPTURE_MODES = ("Input", "Output")
MAX_CONTENT_TYPES = 10


@record(kw_only=True)
class DataCapture:
    """Capture a sample of the endpoint's requests and responses into S3, for your own analysis.

    Attributes:
        destination: ``s3://bucket/prefix`` to write to. Default None: the ``data-capture/``
            prefix of the pattern's bucket.
        sampling_percentage: Percent of requests captured (0-100). Default 20.
        capture: What is captured: ``Input``, ``Output`` or both. Default both.
        json_content_types: Content types captured as JSON text (others are base64 encoded).
            Default ``("application/json",)``.
        csv_content_types: Content types captured as CSV text. Default ``("text/csv",)``.
        kms_key_arn: The key the capture is encrypted with. Default None: the pattern's key.
    """

    destination: str | None = None
    sampling_percentage: int = 20
    capture: tuple[str, ...] = CAPTURE_MODES
    json_content_types: tuple[str, ...] = ("application/json",)
    csv_content_types: tuple[str, ...] = ("text/csv",)
    kms_key_arn: Value | None = None

    def problems(self, where: str = "data_capture") -> list[Problem]:
        """Every problem with the fields, each naming ``<where>.<field>``."""
        found: list[Problem] = []
        if self.destination is not None:
            found += present(
                formats.S3_PREFIX_URI.problem(self.destination, f"{where}.destination")
            )
        found += present(
            number_problem(self.sampling_percentage, f"{where}.sampling_percentage", 0, 100)
        )
        modes = self.capture
        if not isinstance(modes, tuple | list) or not modes or not set(modes) <= set(CAPTURE_MODES):
            found.append(
                Problem(f"{where}.capture", f"{modes!r} must name Input, Output or both (a tuple)")
            )
        for name in ("json_content_types", "csv_content_types"):
            types = getattr(self, name)
            if not isinstance(types, tuple | list) or len(types) > MAX_CONTENT_TYPES:
                found.append(
                    Problem(f"{where}.{name}", f"give a tuple of at most {MAX_CONTENT_TYPES}")
                )
                continue
            found += present(
                *(formats.CONTENT_TYPE.problem(value, f"{where}.{name}") for value in types)
            )
        return found

    def endpoint_problems(
        self, variants: Sequence[Variant], where: str = "data_capture"
    ) -> list[Problem]:
        """What the endpoint's variants allow: Serverless Inference captures no data.

        One problem, for the first serverless variant: the others would repeat it.
        """
        for variant in variants:
            if variant.serverless:
                return [
                    Problem.line(
                        (where, *parse_path(variant.path)),
                        f"{where} with Serverless Inference variant {variant.name!r}: serverless "
                        "endpoints do not support data capture; use an instance variant",
                    )
                ]
        return []


@record
class CaptureBundle:
    """What capturing needs.

    Attributes:
        config: The EndpointConfig's ``DataCaptureConfig`` (a plain mapping to merge).
        write: The execution role's grant: ``s3:PutObject`` under the destination only.
        key_use: The execution role's grant on the capture's key.
    """

    config: dict[str, Any]
    write: Statement
    key_use: Statement

    @property
    def statements(self) -> tuple[Statement, ...]:
        """The execution role's statements."""
        return (self.write, self.key_use)


def data_capture(
    option: DataCapture, *, bucket: PatternBucket | None, key_arn: Any
) -> CaptureBundle:
    """Build the ``DataCaptureConfig`` and the grants that let SageMaker write it.

    Args:
        option: What to capture and where (call after :meth:`DataCapture.problems` found none).
        bucket: The pattern's bucket, when ``option.destination`` is None.
        key_arn: The pattern's key, used when ``option.kms_key_arn`` is None.
    """
    if option.destination is None:
        if bucket is None:
            raise ValueError("data_capture() needs the pattern's bucket when no destination")
        uri: Any = bucket.uri(PREFIX)
        objects: Any = bucket.objects_arn(PREFIX)
    else:
        uri = option.destination
        found = formats.S3_PREFIX_URI.match(option.destination)
        if found is None:
            raise ValueError(f"data_capture() got an unvalidated destination: {uri!r}")
        prefix = found["key"] or ""
        objects = Sub(f"arn:${{AWS::Partition}}:s3:::{found['bucket']}/{prefix}*")
    key = option.kms_key_arn if option.kms_key_arn is not None else key_arn
    config: dict[str, Any] = {
        "EnableCapture": True,
        "InitialSamplingPercentage": option.sampling_percentage,
        "DestinationS3Uri": uri,
        "KmsKeyId": key,
        "CaptureOptions": [{"CaptureMode": mode} for mode in option.capture],
    }
    header = _content_types(option.json_content_types, option.csv_content_types)
    if header:
        config["CaptureContentTypeHeader"] = header
    write = Statement(
        Sid="DataCaptureWrite", Effect=Allow, Action=[actions.s3.PutObject], Resource=[objects]
    )
    key_use = Statement(
        Sid="DataCaptureKeyUse",
        Effect=Allow,
        Action=[actions.kms.GenerateDataKey, actions.kms.Encrypt],
        Resource=[key],
    )
    return CaptureBundle(config, write, key_use)


def _content_types(json_types: Sequence[str], csv_types: Sequence[str]) -> dict[str, Any]:
    header: dict[str, Any] = {}
    if json_types:
        header["JsonContentTypes"] = list(json_types)
    if csv_types:
        header["CsvContentTypes"] = list(csv_types)
    return header
