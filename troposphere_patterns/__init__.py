"""troposphere-patterns: well-architected AWS patterns as plain CloudFormation.

Pure functions take a props dataclass and return (or add to) a troposphere ``Template``.
"""

# The one place the version is written: setup.cfg and ``--version`` read it from here.
__version__ = "0.2.0.dev0"


from troposphere_patterns.core.function_url import FunctionUrl
from troposphere_patterns.core.hosting import EndpointReference, HostedEndpoint
from troposphere_patterns.core.hosting.options import (
    Alarms,
    AsyncInference,
    Autoscaling,
    DataCapture,
    InferenceComponent,
    Rollout,
    Serverless,
)
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
