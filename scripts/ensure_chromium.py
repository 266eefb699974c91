"""Make sure a Chromium for the browser smoke test is on PATH (Debian's package, via apt-get).

Playwright cannot download its own browser here, so the test drives the system Chromium.
Without root or apt-get this only explains what is missing; the browser test then skips
(or fails when CI=true).
"""
import os
import shutil
import subprocess
import sys


def main() -> int:
    if shutil.which("chromium"):
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print("chromium is not installed and cannot be installed here (needs root and "
              "apt-get): the browser smoke test will skip.", file=sys.stderr)
        return 0
    print("Installing Debian's chromium for the browser smoke test…", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium"], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
