"""troposphere-patterns: well-architected AWS patterns as plain CloudFormation.

Pure functions take a props dataclass and return (or add to) a troposphere ``Template``.
"""

# The one place the version is written: setup.cfg and ``--version`` read it from here.
__version__ = "0.2.0.dev0"


from troposphere_patterns.core.alarms import Alarms
from troposphere_patterns.core.async_inference import AsyncInference
from troposphere_patterns.core.data_capture import DataCapture
from troposphere_patterns.core.endpoint_autoscaling import Autoscaling
from troposphere_patterns.core.rollout import Rollout
from troposphere_patterns.core.serverless_inference import Serverless
from troposphere_patterns.core.vpc import ExistingVpc
from troposphere_patterns.errors import PatternPropsError, TemplateLimitError
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
    "ExistingVpc",
    "LambdaSagemakerEndpoint",
    "LambdaSagemakerEndpointProps",
    "PatternPropsError",
    "Rollout",
    "Serverless",
    "TemplateLimitError",
    "__version__",
    "add_lambda_sagemakerendpoint",
    "handler_source",
    "lambda_sagemakerendpoint",
]
