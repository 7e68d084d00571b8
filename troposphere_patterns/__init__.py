"""troposphere-patterns: well-architected AWS patterns as plain CloudFormation.

Pure functions take a props dataclass and return (or add to) a troposphere ``Template``.
"""

from troposphere_patterns.core.async_inference import AsyncInference
from troposphere_patterns.core.vpc import ExistingVpc
from troposphere_patterns.errors import PatternPropsError, TemplateLimitError
from troposphere_patterns.patterns.lambda_sagemakerendpoint import (
    LambdaSagemakerEndpoint,
    LambdaSagemakerEndpointProps,
    add_lambda_sagemakerendpoint,
    lambda_sagemakerendpoint,
)

__all__ = [
    "AsyncInference",
    "ExistingVpc",
    "LambdaSagemakerEndpoint",
    "LambdaSagemakerEndpointProps",
    "PatternPropsError",
    "TemplateLimitError",
    "add_lambda_sagemakerendpoint",
    "lambda_sagemakerendpoint",
]
