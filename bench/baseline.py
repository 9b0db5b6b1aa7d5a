"""``--baseline REV`` for the benches: that revision checked out in a temporary git worktree, the same virtual
environment; a child process run there with ``PYTHONPATH`` set imports that revision's code."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """The tree of ``revision``, removed on exit."""
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "baseline"
        added = subprocess.run(["git", "worktree", "add", "--detach", str(tree), revision], cwd=ROOT,
                               capture_output=True, text=True, check=False)  # fmt: skip
        if added.returncode != 0:
            raise SystemExit(f"--baseline {revision}: {added.stderr.strip()}")
        try:
            yield tree
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)
            subprocess.run(["git", "worktree", "prune"], cwd=ROOT, check=False)  # if the removal failed


def importing(code: Path) -> dict[str, str]:
    """The environment of a child process whose imports come from ``code`` first, offline."""
    return {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1"}
