#!/usr/bin/python3
"""run_audit.py LANDALLOC PLAN.toml OUT.gpkg: plan with `landalloc plan`, then audit the output.

The ctest tests audit.<example>. The plan counts as written on landalloc's exit 0 or 6 (binding
targets or rules not met: the audit judges the figures). Exit 77 (skipped) when the plan reads
input data that is not beside the checkout (examples/nanjing-real.toml needs
../shared/data/real); else the audit's exit code (audit_plan.py), or landalloc's on a failed plan.
"""

import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def missing_input(plan):
    """The first relative input source of the plan that does not exist, or None."""
    text = open(plan, encoding="utf-8").read()
    for src in re.findall(r'^\s*source\s*=\s*"([^"]+)"', text, flags=re.M):
        path = os.path.join(os.path.dirname(os.path.abspath(plan)), src)
        if not src.startswith("PG:") and not os.path.exists(path):
            return path
    return None


def make_plan(landalloc, plan, out):
    """Runs landalloc plan; returns 0 when the plan is written, 77 when skipped, else the code."""
    gone = missing_input(plan)
    if gone:
        print(f"skipped: {plan} reads {gone}, which is not here")
        return 77
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    r = subprocess.run([landalloc, "--quiet", "plan", "--plan", plan, "--out", out, "--overwrite"])
    if r.returncode in (0, 6):
        return 0
    print(f"landalloc plan exited {r.returncode}", file=sys.stderr)
    return r.returncode or 1


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    landalloc, plan, out = argv[1:]
    code = make_plan(landalloc, plan, out)
    if code:
        return code
    return subprocess.run([sys.executable, os.path.join(HERE, "audit_plan.py"), plan, out]).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
