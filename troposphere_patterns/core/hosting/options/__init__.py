"""The hosting options a caller sets (alarms, rollout, capture, async, serverless, scaling, ...).

Each option's module loads the first time one of its names is read
(:mod:`troposphere_patterns.lazy`): a template without a rollout never imports ``rollout.py``.
"""

from typing import TYPE_CHECKING

from troposphere_patterns import lazy as _lazy

_OPTIONS = "troposphere_patterns.core.hosting.options"
# Exported name -> the module defining it. A new option is one line here (and one import below).
_EXPORTS = {
    "AlarmMaker": f"{_OPTIONS}.alarms",
    "Alarms": f"{_OPTIONS}.alarms",
    "AsyncInference": f"{_OPTIONS}.async_inference",
    "Autoscaling": f"{_OPTIONS}.autoscaling",
    "DataCapture": f"{_OPTIONS}.data_capture",
    "InferenceComponent": f"{_OPTIONS}.inference_components",
    "Rollout": f"{_OPTIONS}.rollout",
    "Serverless": f"{_OPTIONS}.serverless",
}
__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.options.alarms import AlarmMaker, Alarms
    from troposphere_patterns.core.hosting.options.async_inference import AsyncInference
    from troposphere_patterns.core.hosting.options.autoscaling import Autoscaling
    from troposphere_patterns.core.hosting.options.data_capture import DataCapture
    from troposphere_patterns.core.hosting.options.inference_components import (
        InferenceComponent,
    )
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
