"""`qatfix review` on a pull request whose slim config trains from a hostile checkpoint committed
in the repository: the static check reads it with the restricted reader only, the review reports
the refusal as QF000, the payload never runs, and no file changes. Run as the action runs it, in a
fresh process."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.checkpoints import MARKER, PAYLOADS, write_payload
from tests.hostile.helpers import snapshot
from tests.review.conftest import FILES, SLIM, TOKEN, make_patch, write_tree
from tests.review.github_fake import FakeGitHub, diff_entry


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_review_reports_the_refused_checkpoint(repo: Path, github: FakeGitHub, actions_env: Path,
                                               tmp_path: Path, name: str) -> None:
    marker = tmp_path / MARKER
    write_payload(name, repo / "weights" / "model_final.pdparams", marker)
    old = FILES[SLIM]
    new = "pretrain_weights: weights/model_final.pdparams\n" + old.split("\n", 1)[1]
    write_tree(repo, {SLIM: new})
    github.files = [diff_entry(SLIM, make_patch(old, new))]
    before = snapshot(repo)

    done = subprocess.run([sys.executable, "-m", "qatfix", "review", "--fail-on", "error"], cwd=repo,
                          env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True,
                          timeout=120)

    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 1, (done.stdout, done.stderr)
    (posted,) = github.posted()
    body = posted["body"] + "".join(c["body"] for c in posted.get("comments", []))
    assert "QF000" in body and "not a paddle state dict" in body, body
    assert TOKEN not in done.stdout + done.stderr
    assert not marker.exists()
    assert snapshot(repo) == before
