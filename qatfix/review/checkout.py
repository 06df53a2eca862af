"""Whether the working tree is the pull request's head commit.

Suggestions quote line numbers of the head commit; `actions/checkout` checks out the merge
commit by default, whose lines can differ. When git says the tree is another commit, the bot
keeps its findings in the review body instead of attaching them to possibly wrong lines.
"""
from __future__ import annotations

import shutil
import subprocess


def checked_out_commit(root: str) -> str | None:
    """`git rev-parse HEAD` in `root`, or None when that is not a git work tree."""
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run([git, "-C", root, "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = done.stdout.strip()
    return sha if done.returncode == 0 and sha else None
