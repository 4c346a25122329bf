"""Run every benchmark module (``bench/*_bench.py``) and print its figures.

Each module measures its subject against a baseline measured in the same run
and prints the ratio, because absolute times on a shared machine are noise.
``make bench`` runs this; ``python -m bench.audit_bench`` runs one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main() -> int:
    failures = 0
    for module in sorted(Path(__file__).parent.glob("*_bench.py")):
        name = f"bench.{module.stem}"
        print(f"== {name}", flush=True)
        result = subprocess.run([sys.executable, "-m", name], check=False)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
