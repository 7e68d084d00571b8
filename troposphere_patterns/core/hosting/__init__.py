"""The SageMaker side of a pattern, owned end to end: its rules, its options and its build.

A pattern hands :func:`hosted_endpoint` the :class:`Hosting` props and options and a small
:class:`HostingContext`; it gets back a :class:`HostedEndpoint`. Rules live in ``rules.py``,
the plan read once from the endpoint config in ``plan.py``, the model/config/endpoint builder in
``endpoint.py``, the caller's options in ``options/``. The names below load on first use
(:mod:`troposphere_patterns.lazy`).
"""

from typing import TYPE_CHECKING

from troposphere_patterns import lazy as _lazy

# Exported name -> the module defining it. A new export is one line here (and one import below).
_EXPORTS = {
    "EndpointReference": "troposphere_patterns.core.hosting.endpoint",
    "HostedEndpoint": "troposphere_patterns.core.hosting.build",
    "Hosting": "troposphere_patterns.core.hosting.rules",
    "HostingContext": "troposphere_patterns.core.hosting.build",
    "hosted_endpoint": "troposphere_patterns.core.hosting.build",
}
__getattr__, __dir__ = _lazy.exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from troposphere_patterns.core.hosting.build import (
        HostedEndpoint,
        HostingContext,
        hosted_endpoint,
    )
    from troposphere_patterns.core.hosting.endpoint import EndpointReference
    from troposphere_patterns.core.hosting.rules import Hosting

__all__ = ["EndpointReference", "HostedEndpoint", "Hosting", "HostingContext", "hosted_endpoint"]
