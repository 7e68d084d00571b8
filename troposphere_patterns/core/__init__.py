"""Secure-by-default builders, one module per AWS service, shared by every pattern.

Builders take explicit arguments plus an optional override mapping and return a frozen
dataclass of troposphere objects. They never touch a ``Template``.
"""
