"""Asynchronous inference: the option, its ``AsyncInferenceConfig``, topics and exact grants.

An async endpoint reads each request from S3 and writes the result (or the failure) back to S3,
then notifies SNS. A client puts the payload under the input path and reads the output and
failure paths; SageMaker's execution role reads the input, writes output and failure and
publishes to the topics. Paths left ``None`` are prefixes of the pattern's bucket, encrypted
with the pattern's key; topics left ``None`` are created here, encrypted with the same key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from awacs.aws import Allow, Condition, Statement, StringEquals
from troposphere import AWSHelperFn, BaseAWSObject, Parameter, Ref, Select, Split, Sub, sns

from troposphere_patterns.core import actions, formats
from troposphere_patterns.core.bucket import PatternBucket
from troposphere_patterns.core.overrides import plain
from troposphere_patterns.core.values import Value
from troposphere_patterns.errors import Problem, parse_path
from troposphere_patterns.records import record

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.plan import EndpointPlan

# Prefixes of the pattern's bucket, without the trailing slash SageMaker adds itself.
INPUT_PREFIX = "async-input"
OUTPUT_PREFIX = "async-output"
FAILURE_PREFIX = "async-failure"
# A client's environment: where its code finds the paths (the shipped handler reads these).
ENVIRONMENT = {
    "input_path": "SAGEMAKER_ASYNC_INPUT_LOCATION",
    "output_path": "SAGEMAKER_ASYNC_OUTPUT_LOCATION",
    "failure_path": "SAGEMAKER_ASYNC_FAILURE_LOCATION",
}
MAX_CONCURRENT_INVOCATIONS = (1, 1000)  # MaxConcurrentInvocationsPerInstance in the API model

_PATHS = ("input_path", "output_path", "failure_path")
_PREFIXES = dict(zip(_PATHS, (INPUT_PREFIX, OUTPUT_PREFIX, FAILURE_PREFIX), strict=True))
_TOPICS = ("success_topic", "error_topic")


@record(kw_only=True)
class AsyncInference:
    """Host the model behind an asynchronous endpoint.

    Attributes:
        output_path: ``s3://bucket/prefix`` SageMaker writes results to (``<id>.out``), a
            literal or an intrinsic. Default None: ``async-output/`` in the pattern's bucket.
        failure_path: Where SageMaker writes failures (``<id>-error.out``). Default None:
            ``async-failure/`` in the pattern's bucket.
        input_path: Where a client puts each request's payload. Default None:
            ``async-input/`` in the pattern's bucket.
        success_topic: SNS topic notified of each result: an ARN or an intrinsic; ``False``
            for none. Default None: a topic the pattern creates, encrypted with its key.
        error_topic: SNS topic notified of each failure, the same way. Default None.
        max_concurrent_invocations_per_instance: Requests one instance works on at once
            (1-1000). Default None: SageMaker chooses.
    """

    output_path: Value | None = None
    failure_path: Value | None = None
    input_path: Value | None = None
    success_topic: Value | None = None
    error_topic: Value | None = None
    max_concurrent_invocations_per_instance: int | None = None

    def problems(self, where: str = "async_inference") -> list[Problem]:
        """Every problem with this option, each naming its field under ``where``."""
        found: list[Problem] = []
        for name in _PATHS:
            value = getattr(self, name)
            if value is None or isinstance(value, AWSHelperFn | Parameter):
                continue
            problem = formats.S3_PREFIX_URI.problem(value, f"{where}.{name}")
            if problem is not None:
                found.append(problem)
        for name in _TOPICS:
            value = getattr(self, name)
            if value is None or value is False or isinstance(value, AWSHelperFn | Parameter):
                continue
            if not formats.SNS_TOPIC_ARN.match(value):
                found.append(
                    Problem(
                        f"{where}.{name}",
                        f"{formats.SNS_TOPIC_ARN.refusal(value)}; None creates a topic, False "
                        "sends no notification",
                    )
                )
        limit = self.max_concurrent_invocations_per_instance
        low, high = MAX_CONCURRENT_INVOCATIONS
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or not low <= limit <= high
        ):
            found.append(
                Problem(
                    f"{where}.max_concurrent_invocations_per_instance",
                    f"{limit!r} must be an integer from {low} to {high}",
                )
            )
        return found

    @property
    def uses_pattern_bucket(self) -> bool:
        """Some path is left to the pattern's bucket."""
        return bool(self.bucket_prefixes())

    def bucket_prefixes(self) -> list[str]:
        """The prefixes of the pattern's bucket this option uses: those of the paths left None."""
        return [_PREFIXES[name] for name in _PATHS if getattr(self, name) is None]


@record
class AsyncContext:
    """What the builder needs from the pattern.

    Attributes:
        success_topic_id: Logical ID of the success topic, when created.
        error_topic_id: Logical ID of the error topic, when created.
        endpoint_arn: The endpoint a client invokes.
        kms_key_arn: The pattern's key: the bucket's objects and the created topics.
        bucket: The pattern's bucket; needed when a path is left None.
    """

    success_topic_id: str
    error_topic_id: str
    endpoint_arn: Any
    kms_key_arn: Any
    bucket: PatternBucket | None = None


@record
class AsyncInferenceBundle:
    """What async inference adds to the pattern.

    Attributes:
        config: The EndpointConfig's ``AsyncInferenceConfig`` property.
        topics: The SNS topics created.
        client_environment: The environment a client's code reads the paths from.
        client_statements: A client's grants (in place of ``InvokeEndpoint``).
        sagemaker_statements: The execution role's extra grants.
        s3_statements: Every S3 grant of both sides (for an S3 gateway endpoint's policy).
    """

    config: dict[str, Any]
    topics: tuple[sns.Topic, ...]
    client_environment: dict[str, Any]
    client_statements: list[Statement]
    sagemaker_statements: list[Statement]
    s3_statements: list[Statement]

    @property
    def resources(self) -> tuple[BaseAWSObject, ...]:
        """Everything to add to a template."""
        return self.topics

    @property
    def notification_topics(self) -> list[Any]:
        """The ARNs of the topics SageMaker notifies (created or the caller's)."""
        notification = self.config["OutputConfig"].get("NotificationConfig", {})
        return list(notification.values())


def _objects_arn(path: Any) -> Any:
    """``arn:<partition>:s3:::bucket/prefix/*`` for a caller's ``s3://bucket/prefix``."""
    path = plain(path)
    if isinstance(path, AWSHelperFn):
        # A deploy-time path: give it without a trailing slash, as for SageMaker.
        after_scheme = Select(1, Split("s3://", path))
        return Sub("arn:${AWS::Partition}:s3:::${Path}/*", Path=after_scheme)
    bucket_and_key = str(path).removeprefix("s3://").rstrip("/")
    return Sub(f"arn:${{AWS::Partition}}:s3:::{bucket_and_key}/*")


def _statement(sid: str, actions: list[Any], resources: list[Any]) -> Statement:
    return Statement(Sid=sid, Effect=Allow, Action=actions, Resource=resources)


def async_inference(option: AsyncInference, context: AsyncContext) -> AsyncInferenceBundle:
    """Build the config, topics and grants of an async endpoint.

    Args:
        option: The validated option (:meth:`AsyncInference.problems` found none).
        context: IDs, the endpoint, the key and the pattern's bucket.

    Raises:
        ValueError: A path is left None but no bucket was given.
    """
    paths: dict[str, Any] = {}
    arns: dict[str, Any] = {}
    for name in _PATHS:
        value = getattr(option, name)
        if value is None:
            if context.bucket is None:
                raise ValueError(f"async_inference.{name}: no bucket to put it in")
            paths[name] = context.bucket.uri(_PREFIXES[name])
            arns[name] = context.bucket.objects_arn(f"{_PREFIXES[name]}/")
        else:  # SageMaker adds the slash before each object's name itself
            paths[name] = value.rstrip("/") if isinstance(value, str) else plain(value)
            arns[name] = _objects_arn(value)

    topics: list[sns.Topic] = []
    notification: dict[str, Any] = {}
    for name, key, logical_id in (
        ("success_topic", "SuccessTopic", context.success_topic_id),
        ("error_topic", "ErrorTopic", context.error_topic_id),
    ):
        value = getattr(option, name)
        if value is None:
            topic = sns.Topic(logical_id, KmsMasterKeyId=context.kms_key_arn)
            topics.append(topic)
            notification[key] = Ref(topic)
        elif value is not False:
            notification[key] = plain(value)

    output: dict[str, Any] = {
        "S3OutputPath": paths["output_path"],
        "S3FailurePath": paths["failure_path"],
    }
    if option.output_path is None:
        output["KmsKeyId"] = context.kms_key_arn  # the bucket's key, for SageMaker's writes
    if notification:
        output["NotificationConfig"] = notification
    config: dict[str, Any] = {"OutputConfig": output}
    if option.max_concurrent_invocations_per_instance is not None:
        limit = option.max_concurrent_invocations_per_instance
        config["ClientConfig"] = {"MaxConcurrentInvocationsPerInstance": limit}

    results = [arns["output_path"], arns["failure_path"]]
    client_s3 = [
        _statement("AsyncInputWrite", [actions.s3.PutObject], [arns["input_path"]]),
        _statement("AsyncResultRead", [actions.s3.GetObject], results),
    ]
    sagemaker_s3 = [
        _statement("AsyncInputRead", [actions.s3.GetObject], [arns["input_path"]]),
        # AWS's async prerequisite policy lists AbortMultipartUpload: large results go up in
        # parts, and SageMaker cleans up a failed upload.
        _statement(
            "AsyncResultWrite", [actions.s3.PutObject, actions.s3.AbortMultipartUpload], results
        ),
    ]
    client_statements = [
        _statement(
            "InvokeEndpointAsync", [actions.sagemaker.InvokeEndpointAsync], [context.endpoint_arn]
        ),
        *client_s3,
    ]
    sagemaker_statements = list(sagemaker_s3)
    if notification:
        sagemaker_statements.append(
            _statement("AsyncNotify", [actions.sns.Publish], list(notification.values()))
        )
    key_actions = [actions.kms.Decrypt, actions.kms.GenerateDataKey]
    if option.uses_pattern_bucket or topics:
        # The bucket's objects and the topics' messages are encrypted with the pattern's key.
        sagemaker_statements.append(_statement("AsyncKeyUse", key_actions, [context.kms_key_arn]))
    if option.uses_pattern_bucket:
        # A client uses the key only through S3 (SSE-KMS on put, decrypt on get).
        client_statements.append(
            Statement(
                Sid="AsyncKeyUse",
                Effect=Allow,
                Action=key_actions,
                Resource=[context.kms_key_arn],
                Condition=Condition(
                    StringEquals("kms:ViaService", Sub("s3.${AWS::Region}.amazonaws.com"))
                ),
            )
        )
    return AsyncInferenceBundle(
        config=config,
        topics=tuple(topics),
        client_environment={ENVIRONMENT[name]: paths[name] for name in _PATHS},
        client_statements=client_statements,
        sagemaker_statements=sagemaker_statements,
        s3_statements=[*client_s3, *sagemaker_s3],
    )


def problems(
    option: AsyncInference, plan: EndpointPlan | None, serverless: Any = None
) -> list[Problem]:
    """Every problem with the option and with the endpoint config it would go on.

    Args:
        option: The caller's option, reported as ``async_inference.<field>``.
        plan: The endpoint config the pattern creates; None for an existing endpoint (it has
            its own config).
        serverless: The pattern's ``serverless`` option, if any.
    """
    found = option.problems("async_inference")
    if serverless is not None:
        # Asynchronous inference queues requests for instances; a serverless endpoint has none.
        return [
            *found,
            Problem.line(
                ("async_inference", "serverless"),
                "async_inference with serverless: async endpoints run on instances",
            ),
        ]
    if plan is None:
        found.append(
            Problem.line(
                ("async_inference", "existing_sagemaker_endpoint_obj"),
                "async_inference with existing_sagemaker_endpoint_obj: the pattern configures "
                "async inference on the endpoint config it creates",
            )
        )
        return found
    where = "endpoint_config_props"
    if "AsyncInferenceConfig" in plan.config:
        found.append(
            Problem.line(
                (where, "AsyncInferenceConfig", "async_inference"),
                f"{where}.AsyncInferenceConfig with async_inference: give one or the other "
                "(async_inference also grants and configures the client)",
            )
        )
    for variant in plan.variants:
        if variant.serverless:
            found.append(
                Problem.line(
                    (*parse_path(variant.path), "ServerlessConfig", "async_inference"),
                    f"{variant.path}.ServerlessConfig with async_inference: async endpoints run "
                    "on instances, not serverless",
                )
            )
    return found
