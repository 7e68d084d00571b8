// The CDK app that `make bench` times with `cdk synth`: one stack holding the Solutions
// Construct aws-lambda-sagemakerendpoint, set up as in the construct's README example and as
// troposphere-patterns' default template (Python Lambda, inline code, handler index.handler).
// Plain JavaScript, so `cdk synth` runs it with node and no compile step.
const { App, Duration, Stack } = require('aws-cdk-lib');
const lambda = require('aws-cdk-lib/aws-lambda');
const { LambdaToSagemakerEndpoint } = require('@aws-solutions-constructs/aws-lambda-sagemakerendpoint');

const app = new App();
// No env given: the stack stays environment-agnostic, so synth needs no account or region.
const stack = new Stack(app, 'LambdaSagemakerEndpointStack');

new LambdaToSagemakerEndpoint(stack, 'LambdaToSagemakerEndpointPattern', {
  // Placeholder image and model artifact, as in the README; the construct makes the model's role.
  modelProps: {
    primaryContainer: {
      image: '<AccountId>.dkr.ecr.<region>.amazonaws.com/linear-learner:latest',
      modelDataUrl: 's3://<bucket-name>/<prefix>/model.tar.gz',
    },
  },
  // Runtime, memory and timeout as in our default template; the code is inline, not an asset.
  lambdaFunctionProps: {
    runtime: lambda.Runtime.PYTHON_3_14,
    code: lambda.Code.fromInline(
      'import os\nimport boto3\n\n' +
      "client = boto3.client('sagemaker-runtime')\n\n" +
      'def handler(event, context):\n' +
      "    response = client.invoke_endpoint(EndpointName=os.environ['SAGEMAKER_ENDPOINT_NAME'],\n" +
      "                                      ContentType='application/json', Body=event['body'])\n" +
      "    return {'statusCode': 200, 'body': response['Body'].read().decode()}\n",
    ),
    handler: 'index.handler',
    memorySize: 256,
    timeout: Duration.seconds(80),
  },
});

app.synth();
