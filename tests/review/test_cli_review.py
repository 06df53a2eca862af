"""`qatfix review` end to end against a local GitHub: payloads, fallbacks, retries, re-runs."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from qatfix.review.dedupe import fingerprint
from tests.review.conftest import (FILES, LCNET, LEGACY, MODEL, SLIM, TOKEN, make_patch,
                                   review, source_of, weights_finding)
from tests.review.github_fake import BOT, HUMAN, Canned, FakeGitHub, diff_entry

OLD_SLIM = FILES[SLIM].replace(LEGACY, "https://paddledet.bj.bcebos.com/models/"
                                       "picodet_lcnet_x1_0_fgd_layout_cdla.pdparams")
OLD_MODEL = FILES[MODEL].replace("epoch: 300", "epoch: 250")
SECONDARY = {"message": "You have exceeded a secondary rate limit. Please wait a few minutes "
                        "before you try again.",
             "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-"
                                  "rest-api#about-secondary-rate-limits", "status": "403"}


def slim_changed(github: FakeGitHub) -> None:
    github.files = [diff_entry(SLIM, make_patch(OLD_SLIM, FILES[SLIM]))]


def model_changed(github: FakeGitHub) -> None:
    github.files = [diff_entry(MODEL, make_patch(OLD_MODEL, FILES[MODEL]))]


def qf101(repo: Path):  # type: ignore[no-untyped-def]
    """A finding source reporting the legacy weights whenever the slim config is checked."""
    return source_of(lambda config, slim: [weights_finding(repo)] if slim else [])


def expected_comment_body(repo: Path) -> str:
    finding = weights_finding(repo)
    return (f"**QF101** (error): {finding.message}\n\n"
            "Suggested fix: use picodet_s_320_coco_lcnet.pdparams\n\n"
            f"```suggestion\npretrain_weights: {LCNET}\n```\n\n"
            f"<!-- qatfix:fingerprint {fingerprint(finding, SLIM)} -->")


def test_suggestion_on_the_changed_slim_line(actions_env, github, repo, use_source, capsys):
    slim_changed(github)
    source, calls = qf101(repo)
    use_source(source)

    assert review() == 0

    # the changed slim config is checked together with its paired model config, statically
    assert calls == [(str(repo / MODEL), str(repo / SLIM), (), str(repo), True)]
    fp = fingerprint(weights_finding(repo), SLIM)
    assert github.posted() == [{
        "commit_id": github.head_sha,
        "event": "COMMENT",
        "body": "<!-- qatfix-review -->\n\n"
                "**qatfix** found 1 problem in PaddleDetection configs (1 error).\n\n"
                "1 fix is attached as a suggested change.\n\n"
                f"<!-- qatfix:fingerprint {fp} -->",
        "comments": [{"path": SLIM, "line": 1, "side": "RIGHT",
                      "body": expected_comment_body(repo)}],
    }]
    out = capsys.readouterr().out
    assert f"{SLIM}:1: error QF101" in out and "[suggested change]" in out
    assert "#pullrequestreview-" in out
    summary = actions_env.read_text(encoding="utf-8")
    assert summary.startswith("## qatfix review\n") and f"`{SLIM}:1`" in summary


def test_problem_outside_the_diff_goes_into_the_body(actions_env, github, repo, use_source):
    model_changed(github)  # only `epoch` of the model config changes; the slim file does not
    source, calls = qf101(repo)
    use_source(source)

    assert review() == 0

    assert calls == [(str(repo / MODEL), str(repo / SLIM), (), str(repo), True)]
    finding = weights_finding(repo)
    assert github.posted() == [{
        "commit_id": github.head_sha,
        "event": "COMMENT",
        "body": "<!-- qatfix-review -->\n\n"
                "**qatfix** found 1 problem in PaddleDetection configs (1 error).\n\n"
                "Findings:\n\n"
                f"- `{SLIM}:1` **QF101** (error): {finding.message}\n"
                "  Safe fix: use picodet_s_320_coco_lcnet.pdparams\n"
                "  ```diff\n"
                f"  -pretrain_weights: {LEGACY}\n"
                f"  +pretrain_weights: {LCNET}\n"
                "  ```\n\n"
                f"<!-- qatfix:fingerprint {fingerprint(finding, SLIM)} -->",
    }]


def test_changed_files_are_read_across_pages(actions_env, github, repo, use_source):
    # 230 changed files: three pages of at most 100; the config is on the last page
    github.files = [diff_entry(f"docs/page_{i:03d}.md", "@@ -0,0 +1 @@\n+x", "added")
                    for i in range(229)]
    github.files.append(diff_entry(SLIM, make_patch(OLD_SLIM, FILES[SLIM])))
    source, calls = qf101(repo)
    use_source(source)

    assert review() == 0

    pages = [(path, query) for method, path, query, _ in github.log
             if method == "GET" and path.endswith("/files")]
    assert pages == [
        ("/repos/octo/detector/pulls/7/files", {"per_page": "100"}),
        ("/repositories/4242/pulls/7/files", {"per_page": "100", "page": "2"}),
        ("/repositories/4242/pulls/7/files", {"per_page": "100", "page": "3"}),
    ]
    assert len(calls) == 1
    assert github.posted()[0]["comments"][0]["path"] == SLIM


def test_rejected_comments_fall_back_to_a_body_only_review(actions_env, github, repo,
                                                           use_source, capsys):
    slim_changed(github)
    # GitHub's diff moved on between listing files and posting (a push in between)
    github.fail_next("POST", "reviews", Canned(422, {
        "message": "Unprocessable Entity", "errors": ["Line could not be resolved"],
        "status": "422"}))
    use_source(qf101(repo)[0])

    assert review() == 0

    first, second = github.posted()
    assert "comments" in first and "comments" not in second
    assert second["event"] == "COMMENT" and second["commit_id"] == github.head_sha
    assert f"- `{SLIM}:1` **QF101** (error)" in second["body"]
    assert f"  +pretrain_weights: {LCNET}" in second["body"]
    assert len(github.reviews) == 1
    captured = capsys.readouterr()
    assert "Line could not be resolved" in captured.err
    assert "findings in the review body" in captured.out


def test_a_502_is_retried(actions_env, github, repo, use_source, sleeps):
    slim_changed(github)
    github.fail_next("POST", "reviews", Canned(502, {"message": "Server Error"}))
    use_source(qf101(repo)[0])

    assert review() == 0

    assert len(github.posted()) == 2 and len(github.reviews) == 1
    assert github.posted()[0] == github.posted()[1]
    assert sleeps == [1.0]


@pytest.mark.parametrize("status", [403, 429])
def test_secondary_rate_limit_waits_for_retry_after(actions_env, github, repo, use_source,
                                                    sleeps, status):
    slim_changed(github)
    github.fail_next("GET", "files", Canned(status, SECONDARY, {"Retry-After": "7"}))
    github.fail_next("POST", "reviews", Canned(status, SECONDARY, {"Retry-After": "11"}))
    use_source(qf101(repo)[0])

    assert review() == 0

    assert sleeps == [7.0, 11.0]
    assert len(github.reviews) == 1


def test_primary_rate_limit_waits_until_reset(actions_env, github, repo, use_source, sleeps):
    import time

    slim_changed(github)
    reset = int(time.time()) + 30
    github.fail_next("GET", "files", Canned(403, {"message": "API rate limit exceeded"}, {
        "x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)}))
    use_source(qf101(repo)[0])

    assert review() == 0
    assert len(sleeps) == 1 and 25 <= sleeps[0] <= 32


def test_retries_are_bounded(actions_env, github, repo, use_source, sleeps, capsys):
    slim_changed(github)
    github.fail_next("GET", "files", *[Canned(503, {"message": "Service Unavailable"})] * 10)
    use_source(qf101(repo)[0])

    assert review() == 2

    assert sleeps == [1.0, 2.0, 4.0, 8.0]  # five attempts in all
    assert github.posted() == []
    assert "HTTP 503 after 5 attempts" in capsys.readouterr().err


def test_a_rerun_does_not_repeat_itself(actions_env, github, repo, use_source, capsys):
    slim_changed(github)
    second_problem = weights_finding(repo, line=8, code="QF301")
    findings = [weights_finding(repo)]
    use_source(source_of(lambda config, slim: list(findings) if slim else [])[0])

    assert review() == 0
    assert review() == 0  # same findings, nothing new: nothing posted
    assert len(github.posted()) == 1
    assert "already reported" in capsys.readouterr().out

    findings.append(second_problem)  # a new push brings a new problem
    assert review() == 0
    assert len(github.posted()) == 2
    third = github.posted()[1]
    assert "comments" not in third  # line 8 is outside the diff
    assert "QF301" in third["body"] and "QF101" not in third["body"]
    assert "1 finding reported in an earlier review is still present." in third["body"]


def test_markers_from_people_are_not_trusted(actions_env, github, repo, use_source):
    slim_changed(github)
    fp = fingerprint(weights_finding(repo), SLIM)
    github.reviews.append({"id": 1, "user": HUMAN, "state": "COMMENTED",
                           "body": f"<!-- qatfix-review -->\n<!-- qatfix:fingerprint {fp} -->"})
    github.comments.append({"id": 2, "user": HUMAN, "path": SLIM, "line": 1,
                            "body": f"lgtm\n<!-- qatfix:fingerprint {fp} -->"})
    use_source(qf101(repo)[0])

    assert review() == 0
    assert len(github.posted()) == 1

    # the same markers from the bot account do count
    github.reviews.append({"id": 3, "user": BOT, "state": "COMMENTED",
                           "body": f"<!-- qatfix-review -->\n<!-- qatfix:fingerprint {fp} -->"})
    github.reviews = github.reviews[-1:]
    github.comments = []
    assert review() == 0
    assert len(github.posted()) == 1


def test_fork_gets_the_report_in_the_step_summary(actions_env, github, repo, use_source,
                                                  capsys):
    slim_changed(github)
    github.read_only = True
    use_source(qf101(repo)[0])

    assert review() == 0

    assert len(github.posted()) == 1 and github.reviews == []
    summary = actions_env.read_text(encoding="utf-8")
    assert "Could not post a review on octo/detector#7" in summary
    assert f"- `{SLIM}:1` **QF101** (error)" in summary
    assert f"  +pretrain_weights: {LCNET}" in summary
    captured = capsys.readouterr()
    assert f"{SLIM}:1: error QF101" in captured.out
    assert "Resource not accessible by integration" in captured.err


def test_fail_on_error(actions_env, github, repo, use_source):
    slim_changed(github)
    use_source(qf101(repo)[0])
    assert review("--fail-on", "error") == 1
    # a re-run posts nothing new but the pull request still has the error
    assert review("--fail-on", "error") == 1
    assert len(github.posted()) == 1


def test_nothing_to_say(actions_env, github, repo, use_source, capsys):
    github.files = [diff_entry("README.md", "@@ -1 +1 @@\n-a\n+b")]
    source, calls = source_of()
    use_source(source)
    assert review("--fail-on", "info") == 0
    assert calls == [] and github.posted() == []
    assert "No problems found" in capsys.readouterr().out


def test_dry_run_prints_the_payload(actions_env, github, repo, use_source, capsys):
    slim_changed(github)
    use_source(qf101(repo)[0])
    assert review("--dry-run") == 0
    assert github.posted() == []
    out = capsys.readouterr().out
    payload = json.loads(out[out.index("{"):])
    assert payload["comments"][0]["line"] == 1


def test_head_sha_is_asked_from_github_when_not_given(actions_env, github, repo, use_source,
                                                     monkeypatch):
    monkeypatch.delenv("GITHUB_EVENT_PATH")
    slim_changed(github)
    use_source(qf101(repo)[0])
    assert review("--pr", "7") == 0
    assert ("GET", "/repos/octo/detector/pulls/7", {}, None) in github.log
    assert github.posted()[0]["commit_id"] == github.head_sha


@pytest.mark.parametrize("unset, args, needs", [
    ("GITHUB_TOKEN", (), "a token (GITHUB_TOKEN)"),
    ("GITHUB_REPOSITORY", (), "a repository"),
    ("GITHUB_EVENT_PATH", (), "a pull request number"),
    (None, ("--repo", "not a repo"), "owner/name"),
])
def test_usage_errors(actions_env, monkeypatch, capsys, unset, args, needs):
    if unset:
        monkeypatch.delenv(unset)
    assert review(*args) == 2
    err = capsys.readouterr().err
    assert err.startswith("qatfix: error:") and needs in err and "Traceback" not in err


def test_working_tree_other_than_head_keeps_findings_in_the_body(actions_env, github, repo,
                                                                 use_source, capsys):
    import subprocess

    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "merge commit"], check=True)
    slim_changed(github)
    use_source(qf101(repo)[0])

    assert review() == 0
    assert "comments" not in github.posted()[0]
    assert "not the pull request head" in capsys.readouterr().err


def test_token_never_appears_in_output(actions_env, github, repo, use_source, capsys,
                                       monkeypatch):
    slim_changed(github)
    use_source(qf101(repo)[0])
    outputs = []
    # posted; fork fallback; exhausted retries; a rejected token
    assert review() == 0
    github.read_only = True
    github.reviews.clear()
    github.comments.clear()
    assert review() == 0
    github.fail_next("GET", "files", *[Canned(500, {"message": TOKEN})] * 5)
    assert review() == 2
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN + "x")
    assert review() == 2
    captured = capsys.readouterr()
    outputs += [captured.out, captured.err, actions_env.read_text(encoding="utf-8")]
    assert "Bad credentials" in captured.err
    assert all(TOKEN not in text for text in outputs)
    # the token was sent, as a bearer token, to the API only
    assert f"Bearer {TOKEN}" in github.authorizations


def test_a_slim_config_the_readmes_pair_is_reviewed_with_its_model(actions_env, github, repo,
                                                                   use_source):
    """No `.qatfix.toml` entry needed: the model-zoo READMEs document this pair."""
    model = "configs/yolov3/yolov3_mobilenet_v1_270e_coco.yml"
    slim = "configs/slim/quant/yolov3_mobilenet_v1_qat.yml"
    (repo / model).parent.mkdir(parents=True, exist_ok=True)
    (repo / model).write_text("architecture: YOLOv3\nepoch: 270\n", encoding="utf-8")
    (repo / slim).write_text("pretrain_weights: a.pdparams\nslim: QAT\n", encoding="utf-8")
    github.files = [diff_entry(slim, make_patch("slim: QAT\n", "pretrain_weights: a.pdparams\n"
                                                 "slim: QAT\n"))]
    source, calls = source_of(lambda config, slim: [])
    use_source(source)
    assert review() == 0
    assert (str(repo / model), str(repo / slim), (), str(repo), True) in calls
