"""Put the construct's npm tarball in bench/cdk/vendor/ for `make cdk-app` (run before npm ci).

The npm registry our machines reach lacks @aws-solutions-constructs/aws-lambda-sagemakerendpoint,
but PyPI has its jsii wheel, and that wheel carries the npm package as a tarball. This script
downloads the wheel whose version package.json names (the `file:vendor/...-VERSION.tgz` entry)
and copies the tarball out; package-lock.json then checks its hash at `npm ci`.
"""

import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NPM_NAME = "@aws-solutions-constructs/aws-lambda-sagemakerendpoint"
PYPI_NAME = "aws-solutions-constructs.aws-lambda-sagemakerendpoint"


def main() -> None:
    spec = json.loads((HERE / "package.json").read_text())["dependencies"][NPM_NAME]
    match = re.fullmatch(r"file:(vendor/[\w.-]+-(\d+\.\d+\.\d+)\.tgz)", spec)
    if not match:
        sys.exit(f"package.json: {NPM_NAME} should be file:vendor/NAME-VERSION.tgz, not {spec}")
    target, version = HERE / match[1], match[2]
    if target.is_file():
        return  # already there; npm ci checks its hash against package-lock.json
    with tempfile.TemporaryDirectory() as tmp:
        pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", tmp]
        subprocess.run([*pip, f"{PYPI_NAME}=={version}"], check=True)
        (wheel,) = Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            (member,) = [name for name in archive.namelist() if name.endswith(".jsii.tgz")]
            target.parent.mkdir(exist_ok=True)
            target.write_bytes(archive.read(member))
    print(f"{target.relative_to(HERE.parent.parent)}: from the {PYPI_NAME} {version} wheel")


if __name__ == "__main__":
    main()
