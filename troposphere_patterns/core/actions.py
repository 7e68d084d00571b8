"""IAM actions by service, without importing awacs's module for each service.

awacs names every action of a service in its own module (``awacs.ec2`` defines about 800), and
importing the eight modules the pattern's policies draw on cost a command-line run about as
much as rendering its template. ``actions.ec2.CreateNetworkInterface`` here makes the same
``awacs.aws.Action("ec2", "CreateNetworkInterface")`` the module holds, with nothing else
loaded. A misspelt name is not caught on import as it would be there: a test checks every
action in every template the project renders against awacs's own lists.
"""

from __future__ import annotations

from awacs.aws import Action


class Service:
    """One service's actions, by attribute: ``Service("kms").Decrypt`` is ``kms:Decrypt``."""

    __slots__ = ("prefix",)

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __getattr__(self, name: str) -> Action:
        if not name[:1].isupper():
            raise AttributeError(name)
        return Action(self.prefix, name)

    def __repr__(self) -> str:
        return f"Service({self.prefix!r})"


awslambda = Service("lambda")
cloudwatch = Service("cloudwatch")
ec2 = Service("ec2")
ecr = Service("ecr")
kms = Service("kms")
logs = Service("logs")
s3 = Service("s3")
sagemaker = Service("sagemaker")
sns = Service("sns")
xray = Service("xray")
