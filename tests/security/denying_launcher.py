"""Run a command under a seccomp filter that makes the named system calls fail with EPERM.

`python denying_launcher.py unshare,prctl_seccomp,seccomp COMMAND…` is what a Docker
container's default profile does to `unshare`, and worse: with `prctl_seccomp` and
`seccomp` no further filter can be installed either.
"""

import importlib.util
import os
import sys
from pathlib import Path

SECCOMP = Path(__file__).resolve().parents[2] / "graph" / "seccomp.py"


def main() -> None:
    """Install the denying filter, then become the command."""
    spec = importlib.util.spec_from_file_location("denying_seccomp", SECCOMP)
    seccomp = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = seccomp  # dataclasses look their module up
    spec.loader.exec_module(seccomp)
    rules = [seccomp.Rule("prctl", (22,)) if name == "prctl_seccomp" else seccomp.Rule(name)
             for name in sys.argv[1].split(",") if name]
    if not seccomp.install(rules):
        sys.exit("denying_launcher: could not install the filter")
    os.execv(sys.argv[2], sys.argv[2:])


if __name__ == "__main__":
    main()
