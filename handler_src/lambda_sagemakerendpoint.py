"""Forward HTTP requests or direct invocations to a SageMaker endpoint, real-time or async.

The contract is in troposphere-patterns' README ("The Lambda handler", "Async inference").
SAGEMAKER_ENDPOINT_NAME (or the variable SAGEMAKER_ENDPOINT_ENV_VAR names) holds the endpoint.
Proxy events get HTTP answers; direct invocations the result, or EndpointInvocationError. With
SAGEMAKER_ASYNC_*_LOCATION set a request is queued (202 and an inferenceId); ?inferenceId=ID or
{"InferenceId": ID} asks for the result. One JSON log line per request.
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
import uuid
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import (  # type: ignore[import-untyped]
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

JSON = "application/json"
MAX_PAYLOAD = 6 * 1024 * 1024  # InvokeEndpoint's Body limit (6 MiB)
MAX_RESPONSE = 6 * 1024 * 1024 - 1024  # Lambda's response limit, less headroom
# Containers get 60 s; 70 s read timeout, lowered to fit the function's remaining time.
READ_TIMEOUT = 70.0
CONNECT_TIMEOUT = 2.0
TIMEOUT_MARGIN = 3.0  # kept free after a read timeout to answer and log
MAX_ATTEMPTS = 3
BACKOFF_BASE, BACKOFF_CAP = 0.2, 2.0  # seconds; full jitter
# Refused before the model ran, so safe to retry (ModelNotReady: still loading).
THROTTLED = {"ThrottlingException", "Throttling", "TooManyRequestsException"}
THROTTLED |= {"ModelNotReadyException", "SlowDown"}  # SlowDown: S3 asks for less
# invoke_endpoint parameter, request header, longest value the API accepts
OPTIONS = (
    ("ContentType", "content-type", 1024),
    ("Accept", "accept", 1024),
    ("TargetVariant", "x-amzn-sagemaker-target-variant", 63),
    ("CustomAttributes", "x-amzn-sagemaker-custom-attributes", 1024),
    ("InferenceId", "x-amzn-sagemaker-inference-id", 64),
)
ENVELOPE = {"Body"} | {name for name, _, _ in OPTIONS}
TEXT = {JSON, "application/xml", "application/jsonlines", "application/x-ndjson"}
SECRETS = re.compile(r"arn:aws[\w-]*:\S*|\b\d{12}\b")  # ARNs and account ids
ASYNC = "SAGEMAKER_ASYNC_"  # + INPUT/OUTPUT/FAILURE_LOCATION
# Ids the function draws (uuid4 hex): no caller text reaches an S3 key, nothing else is read.
INFERENCE_ID = re.compile(r"[0-9a-f]{32}")
S3_URI = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?")
ABSENT = {"NoSuchKey", "404", "AccessDenied", "403"}  # 403: missing, no s3:ListBucket

_clients: dict[str, Any] = {}


class EndpointInvocationError(Exception):
    """A failed request (status, error code, safe message, the container's status if any)."""

    def __init__(self, status: int, error: str, message: str, model_status: Any = None):
        super().__init__(f"{error}: {message}")
        self.status, self.error, self.message = status, error, message
        self.model_status = model_status


def _client_for(context: Any, service: str = "sagemaker-runtime") -> Any:
    """One client per container and service, made on first use (~150 ms)."""
    if service not in _clients:
        read_timeout = READ_TIMEOUT
        if (remaining := _remaining(context)) is not None:
            read_timeout = max(1.0, min(read_timeout, remaining - TIMEOUT_MARGIN))
        # No botocore retries: they resend an inference after a read timeout, when the model
        # may have run. _call retries only what surely did not run.
        config = Config(
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=read_timeout,
            retries={"mode": "standard", "total_max_attempts": 1},
            user_agent_extra="troposphere-patterns",
        )
        _clients[service] = boto3.client(service, config=config)
    return _clients[service]


def _remaining(context: Any) -> float | None:
    getter = getattr(context, "get_remaining_time_in_millis", None)
    return None if getter is None else float(getter()) / 1000


def _code(err: Any) -> tuple[str, int]:
    meta = err.response.get("ResponseMetadata", {})
    return str(err.response.get("Error", {}).get("Code", "")), int(meta.get("HTTPStatusCode", 0))


def _call(
    operation: str, params: dict[str, Any], context: Any, service: str = "sagemaker-runtime"
) -> tuple[dict[str, Any], int]:
    """Call an operation; retry only throttling and failed connects, while time allows."""
    client = _client_for(context, service)
    attempt = 0
    while True:
        attempt += 1
        try:
            return getattr(client, operation)(**params), attempt
        except ClientError as err:
            code, status = _code(err)
            if code not in THROTTLED and status != 429:
                raise
            failure: Exception = err
        except (EndpointConnectionError, ConnectTimeoutError) as err:
            failure = err
        delay = random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1)))
        needed = delay + client.meta.config.read_timeout + CONNECT_TIMEOUT + TIMEOUT_MARGIN
        remaining = _remaining(context)
        if attempt >= MAX_ATTEMPTS or (remaining is not None and remaining < needed):
            raise failure
        time.sleep(delay)


def _public_error(exc: Exception) -> EndpointInvocationError:
    """What the caller sees of an exception: no ARNs, account ids or traces."""
    if isinstance(exc, EndpointInvocationError):
        return exc
    if isinstance(exc, ReadTimeoutError):
        return EndpointInvocationError(504, "Timeout", "The model did not answer in time")
    if isinstance(exc, (EndpointConnectionError, ConnectTimeoutError)):
        return EndpointInvocationError(503, "Unavailable", "SageMaker could not be reached")
    if isinstance(exc, ClientError):
        code, status = _code(exc)
        if code == "ModelError":
            # Message names the account and log group: keep the container's text.
            text = str(exc.response.get("OriginalMessage") or "The model failed")
            text = SECRETS.sub("<redacted>", text)[:1024]
            model_status = exc.response.get("OriginalStatusCode")
            if not model_status and "timed out" in text:  # the 60 s container limit
                return EndpointInvocationError(504, "Timeout", text)
            return EndpointInvocationError(502, "ModelError", text, model_status)
        if code in THROTTLED or status == 429:
            return EndpointInvocationError(429, "Throttled", "The endpoint is busy, retry later")
        if code == "ServiceUnavailable":
            return EndpointInvocationError(503, "Unavailable", "SageMaker is unavailable")
    return EndpointInvocationError(500, "InternalError", "The inference request failed")


def _bad(message: str, status: int = 400) -> EndpointInvocationError:
    error = "BadRequest" if status == 400 else "PayloadTooLarge"
    return EndpointInvocationError(status, error, message)


def _is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == JSON or media.endswith("+json")


def _read(event: Any, proxy: bool) -> tuple[bytes, dict[str, Any]]:
    """The body and options of a proxy event or a direct invocation."""
    if not proxy:
        body, options = event, {}
        if isinstance(event, dict) and "Body" in event and event.keys() <= ENVELOPE:
            body, options = event["Body"], event
        return (body if isinstance(body, str) else json.dumps(body)).encode(), options
    headers = {str(k).lower(): v for k, v in (event.get("headers") or {}).items()}
    options = {name: headers.get(header) for name, header, _ in OPTIONS}
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
    for name, _, limit in OPTIONS:
        value = options.get(name)
        if name in ("ContentType", "Accept") and value in (None, "", "*/*"):
            value = JSON
        if value is None:
            continue
        # Visible ASCII no longer than the API allows: no header injection.
        if not (isinstance(value, str) and 0 < len(value) <= limit and value.isprintable()):
            raise _bad(f"Invalid {name}")
        if not value.isascii():
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


def _accepted(body: dict[str, str], source: str | None) -> Any:
    """A 202 for a proxy event; the body for a direct invocation."""
    return _http(202, {"Content-Type": JSON}, json.dumps(body)) if source else body


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
    if value is not None and not (isinstance(value, str) and INFERENCE_ID.fullmatch(value)):
        raise _bad("Invalid inferenceId")
    return value


def _results(inference_id: str) -> list[tuple[str, str]]:
    """Bucket and key of an id's result, then of its failure."""
    found = []
    for name, suffix in (("OUTPUT", ".out"), ("FAILURE", "-error.out")):
        bucket, prefix = _location(name)
        found.append((bucket, f"{prefix}{inference_id}{suffix}"))
    return found


def _submit(name: str, params: dict[str, Any], log: dict[str, Any], context: Any) -> Any:
    """Upload the payload and queue it; return the 202 answer."""
    for option in ("InferenceId", "TargetVariant"):
        if option in params:  # the id is the key to the result
            raise _bad(f"{option} is not accepted by an async endpoint")
    bucket, prefix = _location("INPUT")
    log["inferenceId"] = inference_id = uuid.uuid4().hex
    key = f"{prefix}{inference_id}"
    # The decoded body itself goes to S3: no second copy of a large payload.
    upload = {"Bucket": bucket, "Key": key, "Body": params.pop("Body")}
    _call("put_object", {**upload, "ContentType": params["ContentType"]}, context, "s3")
    params.update(EndpointName=name, InputLocation=f"s3://{bucket}/{key}", InferenceId=inference_id)
    response, log["attempts"] = _call("invoke_endpoint_async", params, context)
    output, failure = (f"s3://{bucket}/{key}" for bucket, key in _results(inference_id))
    if response.get("OutputLocation") != output:  # status requests look elsewhere
        log["sagemakerOutputLocation"] = response.get("OutputLocation")
    accepted = {"inferenceId": inference_id, "status": "InProgress", "outputLocation": output}
    return {**accepted, "failureLocation": failure}


def _status(inference_id: str, log: dict[str, Any], context: Any) -> tuple[bytes, str] | None:
    """The result and its type; None while pending; raises the model's failure."""
    log["inferenceId"] = inference_id
    for failed, (bucket, key) in enumerate(_results(inference_id)):
        try:
            found, log["attempts"] = _call(
                "get_object", {"Bucket": bucket, "Key": key}, context, "s3"
            )
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
        headers: dict[str, str] = {}
        asynchronous = bool(os.environ.get(f"{ASYNC}INPUT_LOCATION"))
        if asynchronous and (inference_id := _status_id(event, source)) is not None:
            log["message"] = "async_status"
            found = _status(inference_id, log, context)
            if found is None:
                log.update(status=202, outcome="pending")
                return _accepted({"inferenceId": inference_id, "status": "InProgress"}, source)
            prediction, content_type = found
        else:
            data, options = _read(event, source is not None)
            log["bytesIn"] = len(data)
            params = _params(data, options)
            log.update(contentType=params["ContentType"], accept=params["Accept"])
            if asynchronous:
                log["message"] = "invoke_endpoint_async"
                accepted = _submit(name, params, log, context)
                log.update(status=202, outcome="accepted")
                return _accepted(accepted, source)
            params["EndpointName"] = name
            response, log["attempts"] = _call("invoke_endpoint", params, context)
            prediction = response["Body"].read()
            content_type = response.get("ContentType") or "application/octet-stream"
            if attributes := response.get("CustomAttributes"):
                headers["X-Amzn-SageMaker-Custom-Attributes"] = attributes
            if variant := response.get("InvokedProductionVariant"):
                headers["X-Amzn-Invoked-Production-Variant"] = log["variant"] = variant
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
        error = _public_error(exc)
        log.update(status=error.status, outcome=error.error, modelStatus=error.model_status)
        if isinstance(exc, ClientError):
            log["errorCode"] = _code(exc)[0]
        elif error.status == 500 and error is not exc:
            log["trace"] = traceback.format_exc()  # for operators, never the caller
        if not source:
            raise error from None
        body = {"error": error.error, "message": error.message}
        if error.model_status is not None:
            body["modelStatusCode"] = error.model_status
        body["requestId"] = log["requestId"]
        return _http(error.status, {"Content-Type": JSON}, json.dumps(body))
    finally:
        log["latencyMs"] = round((time.perf_counter() - started) * 1000, 2)
        print(json.dumps(log, default=str))
