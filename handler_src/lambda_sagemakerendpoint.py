"""Forward HTTP requests or direct invocations to a SageMaker endpoint, real-time or async.

The contract is in troposphere-patterns' README ("The Lambda handler", "Async inference").
Environment, set by the template:

- SAGEMAKER_ENDPOINT_NAME (or the variable SAGEMAKER_ENDPOINT_ENV_VAR names): the endpoint.
- SAGEMAKER_READ_TIMEOUT_SECONDS: how long one call may wait for the model (default 70).
- SAGEMAKER_INFERENCE_COMPONENTS: comma-separated inference components on the endpoint; absent
  for an endpoint without components.
- SAGEMAKER_TARGET_MODELS: comma-separated TargetModel values a request may name; absent: any.
- SAGEMAKER_ASYNC_INPUT/OUTPUT/FAILURE_LOCATION: an async endpoint's S3 prefixes.

Proxy events get HTTP answers; direct invocations the result, or EndpointInvocationError. On an
async endpoint a request is queued (202 and an inferenceId); ?inferenceId=ID or
{"InferenceId": ID} asks for the result. One JSON log line per request.

The module is in three parts, each from its marker line on: "all endpoints" serves both kinds
of endpoint, "real-time endpoints only" calls InvokeEndpoint, "async endpoints only"
InvokeEndpointAsync and S3. A template inlines the shared part and the one its endpoint uses
(troposphere_patterns.handlers.handler_source); each part registers its entry in FORWARD, and the
shared part depends on neither.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import random
import re
import time
import traceback
from collections.abc import Callable
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

# ---- all endpoints ----
# What both kinds of endpoint run: the request, its checks, SageMaker calls, the answer, the log.

JSON = "application/json"
MAX_PAYLOAD = 6 * 1024 * 1024  # InvokeEndpoint's Body limit (6 MiB)
MAX_RESPONSE = 6 * 1024 * 1024 - 1024  # Lambda's response limit, less headroom
# SageMaker gives a container 60 s; the template sets this variable below its front door's
# limit and the function's Timeout above it (core/lambda_function.py). Each call is bounded
# further by the time the function has left.
READ_TIMEOUT = float(os.environ.get("SAGEMAKER_READ_TIMEOUT_SECONDS") or 70)
CONNECT_TIMEOUT = 2.0
TIMEOUT_MARGIN = 3.0  # kept free after a read timeout to answer and log
MAX_ATTEMPTS = 3
BACKOFF_BASE, BACKOFF_CAP = 0.2, 2.0  # seconds; full jitter
# Refused before the model ran, so safe to retry (ModelNotReady: still loading).
THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException"}
THROTTLED |= {"ModelNotReadyException", "SlowDown"}  # SlowDown: S3 asks for less
# Value shapes of sagemaker-runtime's service model (botocore), matched whole.
PRINTABLE = "[ -~]*"  # printable ASCII: no header injection
NAME = "[a-zA-Z0-9](-*[a-zA-Z0-9])*"
HEADER = "x-amzn-sagemaker-"
# InvokeEndpoint parameter (also the envelope's key), proxy header, longest value, pattern
OPTIONS = (
    ("ContentType", "content-type", 1024, PRINTABLE),
    ("Accept", "accept", 1024, PRINTABLE),
    ("CustomAttributes", HEADER + "custom-attributes", 1024, PRINTABLE),
    ("InferenceId", HEADER + "inference-id", 64, "[!-~]" + PRINTABLE),
    ("TargetVariant", HEADER + "target-variant", 63, NAME),
    ("TargetModel", HEADER + "target-model", 1024, "[!-~]" + PRINTABLE),
    ("TargetContainerHostname", HEADER + "target-container-hostname", 63, NAME),
    ("SessionId", HEADER + "session-id", 256, "NEW_SESSION|" + NAME),
    (
        "InferenceComponentName",
        HEADER + "inference-component",
        63,
        "[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?",
    ),
)
TEXT = {JSON, "application/xml", "application/jsonlines", "application/x-ndjson"}
SECRETS = re.compile(r"arn:aws[\w-]*:\S*|\b\d{12}\b")  # ARNs and account ids
ASYNC = "SAGEMAKER_ASYNC_"  # + INPUT/OUTPUT/FAILURE_LOCATION


class EndpointInvocationError(Exception):
    """A failed request (status, error code, safe message, the container's status if any)."""

    def __init__(self, status: int, error: str, message: str, model_status: Any = None):
        super().__init__(f"{error}: {message}")
        self.status, self.error, self.message = status, error, message
        self.model_status = model_status
        self.retry_after: int | None = None


class RetryableInvocationError(EndpointInvocationError):
    """A failure worth retrying later (429, 503): its own type, so a caller can match it."""


def _client(service: str, read_timeout: float = READ_TIMEOUT) -> Any:
    # No botocore retries: they resend an inference after a read timeout, when the model may
    # have run. _call retries only what surely did not run.
    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": 1},
        user_agent_extra="troposphere-patterns",
    )
    return boto3.client(service, config=config)


# Made at import, in Lambda's init phase, not on a user's request (~150 ms).
CLIENTS = {"sagemaker-runtime": _client("sagemaker-runtime")}
_shorter: dict[str, tuple[int, Any]] = {}  # service -> (read timeout, client), the last made


def _client_for(service: str, context: Any) -> Any:
    """The service's client, or one whose read timeout ends before the function's time."""
    remaining = _remaining(context)
    if remaining is None or remaining - TIMEOUT_MARGIN >= READ_TIMEOUT:
        return CLIENTS[service]
    seconds = max(1, int(remaining - TIMEOUT_MARGIN))
    if _shorter.get(service, (0,))[0] != seconds:  # botocore has no per-call read timeout
        _shorter[service] = seconds, _client(service, seconds)
    return _shorter[service][1]


def _remaining(context: Any) -> float | None:
    getter = getattr(context, "get_remaining_time_in_millis", None)
    return None if getter is None else float(getter()) / 1000


def _code(err: Any) -> tuple[str, int]:
    meta = err.response.get("ResponseMetadata", {})
    return str(err.response.get("Error", {}).get("Code", "")), int(meta.get("HTTPStatusCode", 0))


def _call(
    operation: str,
    params: dict[str, Any],
    context: Any,
    log: dict[str, Any],
    service: str = "sagemaker-runtime",
) -> dict[str, Any]:
    """Call an operation; retry only throttling and failed connects, while time allows.

    Logs the attempts and AWS's request id of the last one (support asks for it).
    """
    log["attempts"] = 0
    key = "s3RequestId" if service == "s3" else "sagemakerRequestId"
    while True:
        log["attempts"] += 1
        try:
            response: dict[str, Any] = getattr(_client_for(service, context), operation)(**params)
            log[key] = response.get("ResponseMetadata", {}).get("RequestId")
            return response
        except ClientError as err:
            log[key] = err.response.get("ResponseMetadata", {}).get("RequestId")
            code, status = _code(err)
            if code not in THROTTLED and status != 429:
                raise
            failure: Exception = err
        except (EndpointConnectionError, ConnectTimeoutError) as err:
            failure = err
        delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (log["attempts"] - 1)))
        # The next attempt needs a connect and at least a second of reading, then the margin.
        needed = delay + CONNECT_TIMEOUT + 1 + TIMEOUT_MARGIN
        remaining = _remaining(context)
        if log["attempts"] >= MAX_ATTEMPTS or (remaining is not None and remaining < needed):
            raise failure
        time.sleep(delay)


def _public_error(exc: Exception, log: dict[str, Any]) -> EndpointInvocationError:
    """What the caller sees of an exception: no ARNs, account ids or traces.

    InvokeEndpoint's own failures are read where it is called (_invoke_error).
    """
    if isinstance(exc, EndpointInvocationError):
        return exc
    if isinstance(exc, ReadTimeoutError):
        return EndpointInvocationError(504, "Timeout", "The model did not answer in time")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return RetryableInvocationError(503, "Unavailable", "SageMaker could not be reached")
    if isinstance(exc, ClientError):
        code, status = _code(exc)
        log["errorCode"] = code
        if code in THROTTLED or status == 429:
            return RetryableInvocationError(429, "Throttled", "The endpoint is busy, retry later")
        if code in ("ServiceUnavailable", "InternalDependencyException"):
            return RetryableInvocationError(503, "Unavailable", "SageMaker is unavailable")
        if code == "ValidationError":
            detail = str(exc.response.get("Error", {}).get("Message", ""))
            log["detail"] = detail[:1024]
            # Endpoint missing or not InService, component unknown: the template's to fix.
            return EndpointInvocationError(
                500, "ConfigurationError", "SageMaker refused the request: ValidationError"
            )
    return EndpointInvocationError(500, "InternalError", "The inference request failed")


def _bad(message: str, status: int = 400) -> EndpointInvocationError:
    error = "BadRequest" if status == 400 else "PayloadTooLarge"
    return EndpointInvocationError(status, error, message)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON or media.endswith("+json")


def _read(event: Any, proxy: bool) -> tuple[bytes, dict[str, Any]]:
    """The body and options of a proxy event or a direct invocation.

    A direct invocation is an envelope when it is a JSON object with a "Body" key; its other
    keys must be InvokeEndpoint parameters (OPTIONS). Anything else is the payload itself.
    """
    if not proxy:
        body, options = event, {}
        if isinstance(event, dict) and "Body" in event:
            body, options = event["Body"], event
            known = {name for name, *_ in OPTIONS}
            if unknown := sorted(str(key) for key in event if key != "Body" and key not in known):
                raise _bad(f"Unknown envelope key {', '.join(unknown)}")
        return (body if isinstance(body, str) else json.dumps(body)).encode(), options
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    options = {name: headers.get(header) for name, header, *_ in OPTIONS}
    if not (body := event.get("body")) or not isinstance(body, str):
        raise _bad("A request body is required")
    try:
        if event.get("isBase64Encoded"):
            # From the str itself: b64decode would first copy the body to bytes.
            return binascii.a2b_base64(body, strict_mode=True), options
        return body.encode(), options
    except (binascii.Error, ValueError):  # bad base64, or lone surrogates
        raise _bad("The body could not be decoded") from None


def _params(data: bytes, options: dict[str, Any]) -> dict[str, Any]:
    """Validate a request; return the call's arguments but EndpointName."""
    if len(data) > MAX_PAYLOAD:
        raise _bad("The body exceeds 6 MiB", 413)
    params: dict[str, Any] = {"Body": data}
    for name, _, limit, pattern in OPTIONS:
        value = options.get(name)
        if name in ("ContentType", "Accept") and value in (None, "", "*/*"):
            value = JSON
        if value is None:
            continue
        # The lengths and shapes the API accepts, only printable ASCII, and never empty.
        if not (
            isinstance(value, str) and 0 < len(value) <= limit and re.fullmatch(pattern, value)
        ):
            raise _bad(f"Invalid {name}")
        params[name] = value
    if _is_json(params["ContentType"]):
        try:  # a 400 now beats a model error later
            json.loads(data)
        except ValueError:
            raise _bad("The body is not valid JSON") from None
    return params


def _source(event: Any) -> str | None:
    """The integration that sent a proxy event; None for a direct invocation."""
    if not isinstance(event, dict):
        return None
    context = event.get("requestContext")
    context = context if isinstance(context, dict) else {}
    if "http" in context:  # payload format 2.0 omits "body" when there is none
        return "function-url" if ".lambda-url." in str(context.get("domainName")) else "http-api"
    if "httpMethod" in event:
        return "rest-api"
    return "proxy" if "body" in event else None


def _output(prediction: bytes, content_type: str, proxy: bool) -> tuple[Any, bool]:
    """The prediction as a proxy body or direct result; whether it is base64."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media.startswith("text/") or media in TEXT or media.endswith(("+json", "+xml")):
        try:
            text = prediction.decode()
        except UnicodeDecodeError:
            return base64.b64encode(prediction).decode(), True
        if not proxy and _is_json(media):
            try:
                return json.loads(text), False
            except ValueError:  # not JSON after all: hand over the text
                pass
        return text, False
    return base64.b64encode(prediction).decode(), True


def _http(status: int, headers: dict[str, str], body: str, binary: bool = False) -> Any:
    return {"statusCode": status, "headers": headers, "body": body, "isBase64Encoded": binary}


# Whether the endpoint is async -> what forwards a request to it: set by the part of the module
# that serves that kind of endpoint, when the template carries it.
FORWARD: dict[bool, Callable[..., Any]] = {}


def handler(event: Any, context: Any) -> Any:
    """Answer a proxy event or a direct invocation (see the module's docstring)."""
    started = time.perf_counter()
    source = _source(event)
    request = event.get("requestContext") if source else None
    log: dict[str, Any] = {
        "message": "invoke_endpoint",
        "requestId": getattr(context, "aws_request_id", None),
        "apiRequestId": request.get("requestId") if isinstance(request, dict) else None,
        "source": source or "direct",
    }
    try:
        variable = os.environ.get("SAGEMAKER_ENDPOINT_ENV_VAR") or "SAGEMAKER_ENDPOINT_NAME"
        if not (name := os.environ.get(variable, "").strip()):
            log["detail"] = f"environment variable {variable} is not set"
            raise EndpointInvocationError(500, "ConfigurationError", "No endpoint is configured")
        log["endpoint"] = name
        asynchronous = bool(os.environ.get(f"{ASYNC}INPUT_LOCATION"))
        if asynchronous not in FORWARD:  # the code was inlined for the other kind of endpoint
            kind, other = ("async", "a real-time") if asynchronous else ("real-time", "an async")
            log["detail"] = f"{kind} endpoint, but this code was inlined for {other} one"
            raise EndpointInvocationError(500, "ConfigurationError", f"No {kind} support")
        found = FORWARD[asynchronous](name, event, source, log, context)
        if isinstance(found, dict):  # async: accepted or pending, the answer itself
            return found
        prediction, content_type, headers = found
        log.update(bytesOut=len(prediction), responseType=content_type)
        result, binary = _output(prediction, content_type, source is not None)
        if source:
            result = _http(200, {"Content-Type": content_type, **headers}, result, binary)
        # Lambda refuses responses over 6 MB opaquely: say so plainly.
        if len(prediction) > MAX_RESPONSE // 6 and len(json.dumps(result)) > MAX_RESPONSE:
            raise EndpointInvocationError(502, "ResponseTooLarge", "The prediction exceeds 6 MB")
        log.update(status=200, outcome="ok")
        return result
    except Exception as exc:
        error = _public_error(exc, log)
        log.update(status=error.status, outcome=error.error, modelStatus=error.model_status)
        if error.status == 500 and error is not exc and not isinstance(exc, ClientError):
            log["trace"] = traceback.format_exc()  # for operators, never the caller
        if not source:
            raise error from None
        body = {"error": error.error, "message": error.message}
        if error.model_status is not None:
            body["modelStatusCode"] = error.model_status
        body["requestId"] = log["requestId"]
        headers = {"Content-Type": JSON}
        if error.retry_after:
            headers["Retry-After"] = log["retryAfter"] = str(error.retry_after)
        return _http(error.status, headers, json.dumps(body))
    finally:
        log["latencyMs"] = round((time.perf_counter() - started) * 1000, 2)
        print(json.dumps(log, default=str))


# ---- real-time endpoints only ----
# From here to the async part: InvokeEndpoint, inference components and target models, which
# an async endpoint does not take. Async templates leave this part out.

STACK_SUFFIX = re.compile("-[0-9a-f]{12}$")  # what the pattern appends to component names
# A component with no copy (scaled to zero, or waking) answers ValidationError (HTTP 400)
# "Inference Component has no capacity to process this request" (AWS's scale-to-zero blog);
# no code of its own, so the code and status are checked and then these words.
NO_CAPACITY = "has no capacity"
RETRY_AFTER = 60  # seconds; a wake takes minutes (its alarm fires after about one)


def _names(variable: str) -> list[str] | None:
    """A comma-separated list from the environment; None when the variable is absent."""
    text = os.environ.get(variable)
    return None if text is None else [name.strip() for name in text.split(",") if name.strip()]


def _targets(params: dict[str, Any]) -> None:
    """Hold the component and target model to what the template deployed and allows.

    A component is named in full or as the template's props name it: the pattern appends 12 hex
    digits of the stack's ID to each name (unique in the account, stable across updates).
    """
    components = _names("SAGEMAKER_INFERENCE_COMPONENTS")
    asked = params.get("InferenceComponentName")
    if components is None:
        if asked:
            raise _bad("InferenceComponentName: this endpoint has no inference components")
    elif asked is None and len(components) == 1:
        params["InferenceComponentName"] = components[0]
    else:
        short = {name: STACK_SUFFIX.sub("", name) for name in components}
        chosen = [name for name in components if asked in (name, short[name])]
        if not chosen:
            known = ", ".join(short.values())
            raise _bad(
                f"InferenceComponentName: name one of {known} (header {HEADER}inference-component)"
            )
        params["InferenceComponentName"] = chosen[0]
    models = _names("SAGEMAKER_TARGET_MODELS")
    if models is not None and params.get("TargetModel") not in models:
        raise _bad("TargetModel: not one of the models this function may call")


def _invoke_error(exc: Any, log: dict[str, Any]) -> EndpointInvocationError | None:
    """What the caller sees of InvokeEndpoint's own failures; None for the others.

    The model's failure (InvokeEndpointAsync writes it to the failure location instead), and a
    component without capacity.
    """
    code, status = _code(exc)
    if code == "ModelError":
        log["errorCode"] = code
        # Message names the account and log group: keep the container's text.
        text = str(exc.response.get("OriginalMessage") or "The model failed")
        text = SECRETS.sub("<redacted>", text)[:1024]
        model_status = exc.response.get("OriginalStatusCode")
        if not model_status:  # no status from the container: it never answered in time
            return EndpointInvocationError(504, "Timeout", text)
        return EndpointInvocationError(502, "ModelError", text, model_status)
    detail = str(exc.response.get("Error", {}).get("Message", ""))
    if code == "ValidationError" and status == 400 and NO_CAPACITY in detail:
        log.update(errorCode=code, detail="no capacity: the component is scaled to zero or waking")
        error = RetryableInvocationError(
            503, "NoCapacity", f"The model is starting, retry in {RETRY_AFTER} s"
        )
        error.retry_after = RETRY_AFTER
        return error
    return None


def _invoke(
    name: str, event: Any, source: str | None, log: dict[str, Any], context: Any
) -> tuple[bytes, str, dict[str, str]]:
    """A real-time request: the prediction, its type and the headers to pass on."""
    data, options = _read(event, source is not None)
    log["bytesIn"] = len(data)
    params = _params(data, options)
    log.update(contentType=params["ContentType"], accept=params["Accept"])
    _targets(params)
    if component := params.get("InferenceComponentName"):
        log["component"] = component
    params["EndpointName"] = name
    try:
        response = _call("invoke_endpoint", params, context, log)
    except ClientError as exc:
        if error := _invoke_error(exc, log):
            raise error from None
        raise  # _public_error reads the errors both APIs answer
    headers = {}
    if attributes := response.get("CustomAttributes"):
        headers["X-Amzn-SageMaker-Custom-Attributes"] = attributes
    if variant := response.get("InvokedProductionVariant"):
        headers["X-Amzn-Invoked-Production-Variant"] = log["variant"] = variant
    for session in ("New", "Closed"):  # a stateful session opened or closed
        if value := response.get(f"{session}SessionId"):
            headers[f"X-Amzn-SageMaker-{session}-Session-Id"] = value
    content_type = response.get("ContentType") or "application/octet-stream"
    return response["Body"].read(), content_type, headers


FORWARD[False] = _invoke


# ---- async endpoints only ----
# Everything below serves async endpoints; real-time templates leave it out.

# SageMaker names the result file itself (<output prefix><name>.out, failures
# <failure prefix><name>-error.out); the caller's id is that name, so no caller text beyond it
# reaches an S3 key.
RESULT_ID = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,127}")
S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?")
ABSENT = {"NoSuchKey", "404", "AccessDenied", "403"}  # 403: missing, no s3:ListBucket
CLIENTS["s3"] = _client("s3")


def _location(name: str) -> tuple[str, str]:
    """Bucket and key prefix (empty or ending in /) of an async location."""
    if not (match := S3_URI.fullmatch(os.environ.get(f"{ASYNC}{name}_LOCATION", "").strip())):
        raise EndpointInvocationError(500, "ConfigurationError", f"No async {name.lower()} path")
    prefix = (match[2] or "").strip("/")
    return match[1], prefix and f"{prefix}/"


def _status_id(event: Any, source: str | None) -> str | None:
    """The id a status request asks for; None for an inference request."""
    if source:
        query = event.get("queryStringParameters")
        value = query.get("inferenceId") if isinstance(query, dict) else None
    elif isinstance(event, dict) and event.keys() == {"InferenceId"}:
        value = event["InferenceId"]
    else:
        return None
    if value is not None and not (isinstance(value, str) and RESULT_ID.fullmatch(value)):
        raise _bad("Invalid inferenceId")
    return value


def _results(result_id: str) -> list[tuple[str, str]]:
    """Bucket and key of an id's result, then of its failure."""
    found = []
    for name, suffix in (("OUTPUT", ".out"), ("FAILURE", "-error.out")):
        bucket, prefix = _location(name)
        found.append((bucket, f"{prefix}{result_id}{suffix}"))
    return found


def _submit(name: str, params: dict[str, Any], log: dict[str, Any], context: Any) -> Any:
    """Upload the payload and queue it; the 202 answer's body."""
    for option in params:  # InvokeEndpointAsync takes none of the others
        if option not in ("Body", "ContentType", "Accept", "CustomAttributes"):
            raise _bad(f"{option} is not accepted by an async endpoint")
    bucket, prefix = _location("INPUT")
    inference_id = os.urandom(16).hex()  # SageMaker's InferenceId, and the input's key
    key = f"{prefix}{inference_id}"
    # The decoded body itself goes to S3: no second copy of a large payload.
    upload = {"Bucket": bucket, "Key": key, "Body": params.pop("Body")}
    _call("put_object", {**upload, "ContentType": params["ContentType"]}, context, log, "s3")
    params.update(EndpointName=name, InputLocation=f"s3://{bucket}/{key}", InferenceId=inference_id)
    response = _call("invoke_endpoint_async", params, context, log)
    # The status is keyed on where SageMaker says the result goes, once checked to lie under
    # the configured prefix: <prefix><id>.out with an id status requests accept.
    log["outputLocation"] = location = str(response.get("OutputLocation"))
    bucket, prefix = _location("OUTPUT")
    expected = f"s3://{bucket}/{prefix}"
    result_id = location[len(expected) : -len(".out")]
    if not (location.startswith(expected) and location.endswith(".out")):
        result_id = ""
    if not RESULT_ID.fullmatch(result_id):
        raise EndpointInvocationError(
            502, "UnexpectedResponse", "SageMaker queued the request elsewhere"
        )
    log["inferenceId"] = result_id
    output, failure = (f"s3://{bucket}/{key}" for bucket, key in _results(result_id))
    if response.get("FailureLocation") not in (None, failure):
        log["failureLocation"] = response["FailureLocation"]  # status requests look elsewhere
    accepted = {"inferenceId": result_id, "status": "InProgress", "outputLocation": output}
    return {**accepted, "failureLocation": failure}


def _status(result_id: str, log: dict[str, Any], context: Any) -> tuple[bytes, str] | None:
    """The result and its type; None while pending; raises the model's failure."""
    for failed, (bucket, key) in enumerate(_results(result_id)):
        try:
            found = _call("get_object", {"Bucket": bucket, "Key": key}, context, log, "s3")
        except ClientError as err:
            code, status = _code(err)
            if code in ABSENT or status in (403, 404):
                continue
            raise
        if failed:  # SageMaker's text, short, without ARNs or account ids
            text = found["Body"].read(4096).decode(errors="replace").strip()
            raise EndpointInvocationError(
                502, "ModelError", SECRETS.sub("<redacted>", text)[:1024] or "The model failed"
            )
        if int(found.get("ContentLength") or 0) > MAX_RESPONSE:  # too big to answer: unread
            found["Body"].close()
            raise EndpointInvocationError(502, "ResponseTooLarge", "The result exceeds 6 MB")
        return found["Body"].read(), found.get("ContentType") or "application/octet-stream"
    return None


def _asynchronous(
    name: str, event: Any, source: str | None, log: dict[str, Any], context: Any
) -> Any:
    """An async request: the 202 answer (a dict), or the result, its type and no headers."""
    if (result_id := _status_id(event, source)) is not None:
        log.update(message="async_status", inferenceId=result_id)
        if found := _status(result_id, log, context):
            return (*found, {})
        log.update(status=202, outcome="pending")
        answer = {"inferenceId": result_id, "status": "InProgress"}
    else:
        log["message"] = "invoke_endpoint_async"
        data, options = _read(event, source is not None)
        log["bytesIn"] = len(data)
        params = _params(data, options)
        log.update(contentType=params["ContentType"], accept=params["Accept"])
        answer = _submit(name, params, log, context)
        log.update(status=202, outcome="accepted")
    return _http(202, {"Content-Type": JSON}, json.dumps(answer)) if source else answer


FORWARD[True] = _asynchronous
