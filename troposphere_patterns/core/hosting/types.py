"""Where troposphere's SageMaker classes are wrong, fixed in one place.

troposphere 4.11.1 generates ``AWS::SageMaker::EndpointConfig.DataCaptureConfig`` from the
batch-transform ``DataCaptureConfig`` (``DestinationS3Uri`` and ``KmsKeyId`` only), so it refuses
the endpoint config's own capture fields. :class:`EndpointConfig` carries the property as
CloudFormation's schema defines it; every module builds and checks endpoint configs with it.
"""

from __future__ import annotations

from troposphere import PropsDictType, sagemaker
from troposphere.validators import boolean, integer


class EndpointDataCaptureConfig(sagemaker.DataCaptureConfig):  # type: ignore[misc]
    """``AWS::SageMaker::EndpointConfig.DataCaptureConfig``, as CloudFormation defines it.

    A subclass of troposphere's (batch-transform) class, so troposphere's own type check on
    :class:`EndpointConfig` accepts it.
    """

    props: PropsDictType = {  # noqa: RUF012 - troposphere's class-level property table
        "CaptureContentTypeHeader": (sagemaker.CaptureContentTypeHeader, False),
        "CaptureOptions": ([sagemaker.CaptureOption], True),
        "DestinationS3Uri": (str, True),
        "EnableCapture": (boolean, False),
        "InitialSamplingPercentage": (integer, True),
        "KmsKeyId": (str, False),
    }


class EndpointConfig(sagemaker.EndpointConfig):  # type: ignore[misc]
    """troposphere's ``AWS::SageMaker::EndpointConfig`` with the right ``DataCaptureConfig``."""

    props: PropsDictType = {  # noqa: RUF012 - troposphere's class-level property table
        **sagemaker.EndpointConfig.props,
        "DataCaptureConfig": (EndpointDataCaptureConfig, False),
    }
