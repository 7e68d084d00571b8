"""Regenerate core/hosting/instance_type_table.py from botocore's service model.

Run by ``make instance-types``. The list of instance types comes from botocore's SageMaker
model (the ``ProductionVariantInstanceType`` enum); what each family allows is kept by hand
below, beside its sources, because no AWS service model says which families have local NVMe
instance storage. A family botocore knows and this file does not stops the script: classify it
here first, so a new family never ships with a guessed storage kind.

Usage: ``python scripts/instance_types.py [--check]`` (``--check`` exits 1 when the committed
table is stale instead of rewriting it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

from troposphere_patterns.core.hosting.type_patterns import pattern_of

TABLE = (
    Path(__file__).resolve().parent.parent
    / "troposphere_patterns/core/hosting/instance_type_table.py"
)
SHAPE = "ProductionVariantInstanceType"
AMI_SHAPE = "ProductionVariantInferenceAmiVersion"

# Families whose instances carry local NVMe instance storage, encrypted in hardware
# (XTS-AES-256), with no EBS volume: an EndpointConfig on them takes no KmsKeyId and no
# VolumeSizeInGB.
# Sources:
# - SageMaker developer guide, multi-model-endpoints: "d instance type families (for example,
#   m5d, c5d, or r5d) and g5s come with an NVMe ... SSD".
# - EC2 DescribeInstanceTypes (InstanceStorageInfo, NvmeSupport), as regenerated in
#   aws/karpenter-provider-aws website/content/en/preview/reference/instance-types.md
#   (2026-07-11; dl1 from its 2024-10-31 version).
# - CreateEndpointConfig API reference, up to botocore 1.43.26: "If you specify a value for
#   KmsKeyId when using any nitro-based instances with local storage, the call to
#   CreateEndpointConfig fails."
# - aws/sagemaker-python-sdk PR 4828 (trn1 refuses a volume size) and
#   generative-ai-cdk-constructs PR 274 (a default volume size fails at deploy time).
NVME_FAMILIES = frozenset(
    {
        # the "d" families
        "m5d", "c5d", "r5d", "m6gd", "c6gd", "r6gd", "r7gd", "g4dn", "p4d", "p4de", "dl1",
        # no "d" in the name, NVMe all the same (EC2 instance-store data)
        "g5", "g6", "g6e", "g7", "g7e", "p5", "p5e", "p5en", "p6-b200", "p6-b300",
        "p6e-gb200", "trn1", "trn1n", "trn2",
    }
)  # fmt: skip

# Accelerator kind per family (EC2 instance-type data; Inferentia is EBS-only).
ACCELERATORS = {
    **dict.fromkeys(
        ["p2", "p3", "g4dn", "g5", "g6", "g6e", "g7", "g7e", "p4d", "p4de", "p5", "p5e",
         "p5en", "p6-b200", "p6-b300", "p6e-gb200"],
        "nvidia-gpu",
    ),
    "inf1": "aws-inferentia",
    "inf2": "aws-inferentia",
    "trn1": "aws-trainium",
    "trn1n": "aws-trainium",
    "trn2": "aws-trainium",
    "dl1": "habana-gaudi",
}  # fmt: skip

# Burstable: "SageMaker doesn't support auto scaling for burstable instances such as T2"
# (SageMaker developer guide, endpoint-auto-scaling-add-console).
BURSTABLE = frozenset({"t2"})
PREVIOUS_GENERATION = frozenset({"m4", "c4", "p2", "p3"})
# Families SageMaker's deployment guardrails (blue/green and rolling updates with automatic
# rollback) exclude: an update then falls back to all at once, with no final baking period.
# SageMaker developer guide, deployment-guardrails-exclusions: "Endpoints that use Inf1
# (Inferentia-based) instances" (Inf2 is not listed).
NO_GUARDRAILS = frozenset({"inf1"})

# Families whose storage is EBS-only, checked by hand like the NVMe list: every family must be
# in exactly one of the two.
EBS_FAMILIES = frozenset(
    {
        "t2", "m4", "m5", "c4", "p2", "p3", "c5", "r5", "inf1", "c6i", "m6i", "r6i", "r8g",
        "c7g", "m6g", "c6g", "c6gn", "r6g", "inf2", "m7i", "c7i", "r7i", "c8g", "m8g", "c6in",
    }
)  # fmt: skip


def family_of(instance_type: str) -> str:
    """``ml.g5.xlarge`` -> ``g5``; ``ml.p6-b200.48xlarge`` -> ``p6-b200``."""
    return instance_type.split(".")[1]


def botocore_instance_types() -> tuple[str, tuple[str, ...]]:
    """The installed botocore's version and its hosting instance types, in its order."""
    import botocore  # build-time only: the package never imports botocore

    model = Path(botocore.__file__).parent / "data/sagemaker/2017-07-24/service-2.json.gz"
    with gzip.open(model, "rt", encoding="utf-8") as stream:
        shapes = json.load(stream)["shapes"]
    return botocore.__version__, tuple(shapes[SHAPE]["enum"])


def botocore_inference_amis() -> dict[str, tuple[int, int] | None]:
    """Each ``InferenceAmiVersion`` in botocore's enum, with the CUDA version it documents.

    The enum lists the names; ``ProductionVariant.InferenceAmiVersion``'s documentation gives
    each one's configuration (``<dt>NAME</dt> ... CUDA version: 13.0``). A Neuron AMI has no
    CUDA version (None). A name the documentation does not describe stops the script: the
    driver check must never guess which CUDA an AMI carries.
    """
    import re

    import botocore  # build-time only: the package never imports botocore

    model = Path(botocore.__file__).parent / "data/sagemaker/2017-07-24/service-2.json.gz"
    with gzip.open(model, "rt", encoding="utf-8") as stream:
        shapes = json.load(stream)["shapes"]
    names = shapes[AMI_SHAPE]["enum"]
    text = shapes["ProductionVariant"]["members"]["InferenceAmiVersion"]["documentation"]
    described = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd>(.*?)</dd>", text, re.DOTALL))
    found: dict[str, tuple[int, int] | None] = {}
    for name in names:
        if name not in described:
            raise SystemExit(f"botocore documents no configuration for the AMI {name}")
        cuda = re.search(r"CUDA version: (\d+)\.(\d+)", described[name])
        found[name] = (int(cuda[1]), int(cuda[2])) if cuda else None
    return found


def render_amis(amis: dict[str, tuple[int, int] | None]) -> list[str]:
    """The generated module's AMI section: each AMI and the CUDA version it carries."""
    lines = [
        "",
        f"# {AMI_SHAPE}: each AMI's CUDA (major, minor); None: a Neuron AMI.",
        "INFERENCE_AMIS: dict[str, tuple[int, int] | None] = {",
    ]
    lines += [f'    "{name}": {cuda},' for name, cuda in amis.items()]
    return [*lines, "}", ""]


def render(version: str, instance_types: tuple[str, ...]) -> str:
    """The text of the generated module."""
    families: list[str] = []
    for instance_type in instance_types:
        if family_of(instance_type) not in families:
            families.append(family_of(instance_type))
    unclassified = [f for f in families if (f in NVME_FAMILIES) == (f in EBS_FAMILIES)]
    if unclassified:
        raise SystemExit(
            "classify these families in scripts/instance_types.py (NVME_FAMILIES or "
            f"EBS_FAMILIES, with a source): {', '.join(unclassified)}"
        )
    lines = [
        f'"""SageMaker hosting instance types, from botocore {version}\'s {SHAPE}.',
        "",
        "Generated by scripts/instance_types.py (make instance-types): do not edit. What each",
        "family allows is kept by hand, with its sources, in that script.",
        '"""',
        "",
        "from typing import NamedTuple",
        "",
        f'BOTOCORE_VERSION = "{version}"',
        "",
        "",
        "class Family(NamedTuple):",
        '    """What one instance family is and allows."""',
        "",
        "    local_nvme: bool",
        '    """Local NVMe storage, hardware-encrypted: no KmsKeyId, no VolumeSizeInGB."""',
        "    accelerator: str | None",
        '    """nvidia-gpu, aws-inferentia, aws-trainium, habana-gaudi, or None."""',
        "    burstable: bool",
        '    """Burstable (T2): SageMaker cannot autoscale it."""',
        "    previous_generation: bool",
        '    """A previous-generation family."""',
        "    guardrails: bool",
        '    """SageMaker\'s deployment guardrails (rollouts that roll back) support it."""',
        "",
        "",
        "FAMILIES: dict[str, Family] = {",
    ]
    for name in families:
        accelerator = ACCELERATORS.get(name)
        lines.append(
            f'    "{name}": Family({name in NVME_FAMILIES}, '
            f"{repr(accelerator) if accelerator else None}, {name in BURSTABLE}, "
            f"{name in PREVIOUS_GENERATION}, {name not in NO_GUARDRAILS}),".replace("'", '"')
        )
    lines += ["}", "", "INSTANCE_TYPES: tuple[str, ...] = ("]
    lines += [f'    "{instance_type}",' for instance_type in instance_types]
    lines += [
        ")",
        "",
        "# Every type as the InstanceType Parameter's AllowedPattern (type_patterns.py).",
        "ALLOWED_PATTERN = (",
    ]
    pieces = [""]  # lines of up to 88 characters, each ending after a "|"
    for part in pattern_of(instance_types).split("|"):
        if pieces[-1] and len(pieces[-1]) + len(part) > 87:
            pieces.append("")
        pieces[-1] += part + "|"
    pieces[-1] = pieces[-1].removesuffix("|")
    # Each piece as a Python string: backslashes doubled.
    lines += [f'    "{piece}"'.replace("\\", "\\\\") for piece in pieces]
    lines += [")", ""]
    return "\n".join(lines)


def main() -> int:
    """Rewrite the table, or with ``--check`` report whether it is current."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--check", action="store_true", help="fail when the table is stale")
    args = options.parse_args()
    text = render(*botocore_instance_types()) + "\n".join(render_amis(botocore_inference_amis()))
    if args.check:
        if TABLE.read_text(encoding="utf-8") != text:
            print(f"{TABLE} is stale: run make instance-types", file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {TABLE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
