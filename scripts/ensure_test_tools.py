"""Make sure the system tools that the tests drive are installed, from Debian's packages:
``chromium`` for the browser tests (Playwright cannot download its own browser here) and
``postgresql`` for the store tests' PostgreSQL run (they start a server of their own with its
``initdb`` and ``pg_ctl``: tests/annotate/postgres.py).

As root with apt-get, installs whichever is missing; otherwise, or if the install fails, says
so and which tests will skip (under CI=true they fail instead). Always exits 0, so that the
README's test command goes on to run the suite.
"""
import glob
import os
import shutil
import subprocess
import sys

# Debian package -> (is it installed?, the tests that need it)
TOOLS = {
    "chromium": (lambda: shutil.which("chromium"), "the browser tests"),
    "postgresql": (lambda: shutil.which("initdb") or glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   "the annotation store tests on PostgreSQL"),
}


def say(message: str) -> None:
    print(f"ensure_test_tools: {message}", file=sys.stderr)


def main() -> int:
    missing = [name for name, (installed, _) in TOOLS.items() if not installed()]
    for name in TOOLS:
        if name not in missing:
            say(f"{name} is installed")
    if not missing:
        return 0
    need = "; ".join(f"{name} for {TOOLS[name][1]}" for name in missing)
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        say(f"not installed, and installing needs root and apt-get: {need}. Those tests will "
            "skip.")
        return 0
    say(f"installing Debian's {' and '.join(missing)} with apt-get ({need})")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *missing]):
        done = subprocess.run(cmd, env=env)
        if done.returncode != 0:
            say(f"{' '.join(cmd)} failed (exit {done.returncode}): {need} will skip.")
            return 0
    for name in missing:
        say(f"{name} is installed" if TOOLS[name][0]() else
            f"{name} is still missing after apt-get: {TOOLS[name][1]} will skip")
    return 0


if __name__ == "__main__":
    sys.exit(main())
