"""The hosting options a caller sets (alarms, rollout, capture, async, serverless, scaling, ...)."""

from troposphere_patterns.core.hosting.options.alarms import AlarmMaker, Alarms
from troposphere_patterns.core.hosting.options.async_inference import AsyncInference
from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
from troposphere_patterns.core.hosting.options.data_capture import DataCapture
from troposphere_patterns.core.hosting.options.inference_components import InferenceComponent
from troposphere_patterns.core.hosting.options.rollout import Rollout
from troposphere_patterns.core.hosting.options.serverless import Serverless

__all__ = [
    "AlarmMaker",
    "Alarms",
    "AsyncInference",
    "Autoscaling",
    "DataCapture",
    "InferenceComponent",
    "Rollout",
    "Serverless",
]
