"""The endpoint config, merged with its defaults once, and what follows from it.

Rules and builders read an :class:`EndpointPlan` instead of merging and walking the caller's
mappings again: which variants there are and their names, whether the endpoint is serverless,
and whether the pattern's key may go on the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from troposphere_patterns.core.hosting.endpoint import (
    config_with_defaults,
    key_fits,
    production_variants,
)
from troposphere_patterns.core.hosting.options import serverless as serverless_inference
from troposphere_patterns.core.hosting.options.serverless import Serverless


@dataclass(frozen=True)
class EndpointPlan:
    """What the endpoint config will be.

    Attributes:
        config: The caller's EndpointConfig properties over the defaults (one ``AllTraffic``
            variant, serverless with the :class:`Serverless` option).
        variants: Its production variants that are mappings (an intrinsic list gives none).
        serverless: A variant is serverless: the model runs with no VPC and no isolation.
        caller_key: The caller named its own ``KmsKeyId``.
        key_fits: A key may go on the config (no literal type has local NVMe storage).
    """

    config: Mapping[str, Any]
    variants: tuple[Mapping[str, Any], ...]
    serverless: bool
    caller_key: bool
    key_fits: bool

    @classmethod
    def parse(
        cls, caller_config: Mapping[str, Any] | None, serverless_option: Serverless | None
    ) -> EndpointPlan:
        """Merge the caller's config over the defaults and read it once."""
        config = config_with_defaults(caller_config, serverless_option)
        return cls(
            config=config,
            variants=tuple(production_variants(config)),
            serverless=serverless_inference.used(config),
            caller_key="KmsKeyId" in config,
            key_fits=key_fits(config),
        )

    @property
    def variant_names(self) -> list[Any]:
        """The production variants' names, as given (literals or intrinsics)."""
        return [variant.get("VariantName") for variant in self.variants]

    @property
    def takes_pattern_key(self) -> bool:
        """The pattern's key goes on the config (the caller named none, and it fits)."""
        return not self.caller_key and self.key_fits
