"""troposphere-patterns: well-architected AWS patterns as plain CloudFormation.

Pure functions take a props dataclass and return (or add to) a troposphere ``Template``.
Every name below is importable from here; its module loads on first use (see
:mod:`troposphere_patterns.lazy`), so a run pays only for the options its template uses.
"""

from typing import TYPE_CHECKING

from troposphere_patterns import lazy as _lazy

# The one place the version is written: setup.cfg and ``--version`` read it from here.
__version__ = "0.2.0.dev0"

_HOSTING = "troposphere_patterns.core.hosting"
_OPTIONS = "troposphere_patterns.core.hosting.options"
_PATTERN = "troposphere_patterns.patterns.lambda_sagemakerendpoint"
# Exported name -> the module defining it. A new export is one line here (and one import below).
_EXPORTS = {
    "Alarms": f"{_OPTIONS}.alarms",
    "AsyncInference": f"{_OPTIONS}.async_inference",
    "Autoscaling": f"{_OPTIONS}.autoscaling",
    "DataCapture": f"{_OPTIONS}.data_capture",
    "EndpointReference": f"{_HOSTING}.endpoint",
    "ExistingVpc": "troposphere_patterns.core.network",
    "FunctionUrl": "troposphere_patterns.core.function_url",
    "HostedEndpoint": f"{_HOSTING}.build",
    "InferenceComponent": f"{_OPTIONS}.inference_components",
    "LambdaSagemakerEndpoint": _PATTERN,
    "LambdaSagemakerEndpointProps": _PATTERN,
    "PatternPropsError": "troposphere_patterns.errors",
    "Problem": "troposphere_patterns.errors",
    "Rollout": f"{_OPTIONS}.rollout",
    "Serverless": f"{_OPTIONS}.serverless",
    "TemplateLimitError": "troposphere_patterns.errors",
    "add_lambda_sagemakerendpoint": _PATTERN,
    "handler_source": "troposphere_patterns.handlers",
    "lambda_sagemakerendpoint": _PATTERN,
}
__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from troposphere_patterns.core.function_url import FunctionUrl
    from troposphere_patterns.core.hosting.build import HostedEndpoint
    from troposphere_patterns.core.hosting.endpoint import EndpointReference
    from troposphere_patterns.core.hosting.options.alarms import Alarms
    from troposphere_patterns.core.hosting.options.async_inference import AsyncInference
    from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
    from troposphere_patterns.core.hosting.options.data_capture import DataCapture
    from troposphere_patterns.core.hosting.options.inference_components import (
        InferenceComponent,
    )
    from troposphere_patterns.core.hosting.options.rollout import Rollout
    from troposphere_patterns.core.hosting.options.serverless import Serverless
    from troposphere_patterns.core.network import ExistingVpc
    from troposphere_patterns.errors import PatternPropsError, Problem, TemplateLimitError
    from troposphere_patterns.handlers import handler_source
    from troposphere_patterns.patterns.lambda_sagemakerendpoint import (
        LambdaSagemakerEndpoint,
        LambdaSagemakerEndpointProps,
        add_lambda_sagemakerendpoint,
        lambda_sagemakerendpoint,
    )

__all__ = [
    "Alarms",
    "AsyncInference",
    "Autoscaling",
    "DataCapture",
    "EndpointReference",
    "ExistingVpc",
    "FunctionUrl",
    "HostedEndpoint",
    "InferenceComponent",
    "LambdaSagemakerEndpoint",
    "LambdaSagemakerEndpointProps",
    "PatternPropsError",
    "Problem",
    "Rollout",
    "Serverless",
    "TemplateLimitError",
    "__version__",
    "add_lambda_sagemakerendpoint",
    "handler_source",
    "lambda_sagemakerendpoint",
]
