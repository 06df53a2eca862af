"""A local stand-in for the GitHub REST endpoints the review bot uses.

Request and response shapes follow GitHub's REST reference (API version 2022-11-28):
  GET  /repos/{owner}/{repo}/pulls/{n}            pull request (head.sha)
  GET  /repos/{owner}/{repo}/pulls/{n}/files      diff entries, paginated (per_page <= 100,
                                                  default 30; Link header with rel next/last)
  GET  /repos/{owner}/{repo}/pulls/{n}/reviews    reviews, paginated
  GET  /repos/{owner}/{repo}/pulls/{n}/comments   review comments, paginated
  POST /repos/{owner}/{repo}/pulls/{n}/reviews    create a review (200 with the review)
Like GitHub, the Link URLs point at /repositories/{id}/..., and a comment line outside the diff
gets 422. Commentable lines are computed here from the hunk headers alone, independently of the
code under test.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

REPO_ID = 4242
BOT = {"login": "github-actions[bot]", "id": 41898282, "type": "Bot",
       "html_url": "https://github.com/apps/github-actions"}
HUMAN = {"login": "octocat", "id": 1, "type": "User", "html_url": "https://github.com/octocat"}
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)


def diff_entry(filename: str, patch: str | None, status: str = "modified") -> dict[str, Any]:
    adds = sum(1 for ln in (patch or "").splitlines() if ln.startswith("+"))
    dels = sum(1 for ln in (patch or "").splitlines() if ln.startswith("-"))
    blob = f"https://github.com/octo/detector/blob/{'a' * 40}/{filename}"
    entry = {"sha": "b" * 40, "filename": filename, "status": status, "additions": adds,
             "deletions": dels, "changes": adds + dels, "blob_url": blob,
             "raw_url": blob.replace("/blob/", "/raw/"),
             "contents_url": f"https://api.github.com/repos/octo/detector/contents/{filename}"}
    if patch is not None:
        entry["patch"] = patch
    return entry


@dataclass
class Canned:
    """A response served instead of the real one (to inject failures)."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeGitHub:
    token: str
    repo: str = "octo/detector"
    number: int = 7
    head_sha: str = "c0ffee" + "0" * 34
    files: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    #: (method, endpoint) -> responses to serve first, in order; endpoint: files, reviews, ...
    canned: dict[tuple[str, str], list[Canned]] = field(default_factory=dict)
    #: every request: (method, path, query dict, json body or None)
    log: list[tuple[str, str, dict[str, str], Any]] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    read_only: bool = False
    base_url: str = ""
    _next_id: int = 1000

    # -- helpers for tests -------------------------------------------------------------
    def posted(self) -> list[dict[str, Any]]:
        return [body for method, path, _, body in self.log
                if method == "POST" and path.endswith("/reviews")]

    def fail_next(self, method: str, endpoint: str, *responses: Canned) -> None:
        self.canned.setdefault((method, endpoint), []).extend(responses)

    def _id(self) -> int:
        self._next_id += 1
        return self._next_id

    # -- routing ---------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.data else None
        self.log.append((request.method, request.path, dict(request.args), body))
        self.authorizations.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return self._json(401, {"message": "Bad credentials",
                                    "documentation_url": "https://docs.github.com/rest",
                                    "status": "401"})
        owner_repo = re.escape(self.repo)
        m = re.fullmatch(rf"/(?:repos/{owner_repo}|repositories/{REPO_ID})/pulls/(\d+)(/\w+)?",
                         request.path)
        if not m or int(m.group(1)) != self.number:
            return self._json(404, {"message": "Not Found", "status": "404"})
        endpoint = (m.group(2) or "/").strip("/") or "pull"
        canned = self.canned.get((request.method, endpoint))
        if canned:
            c = canned.pop(0)
            return self._json(c.status, c.body, c.headers)
        if request.method == "GET" and endpoint == "pull":
            return self._json(200, {"number": self.number, "state": "open",
                                    "head": {"sha": self.head_sha, "ref": "feature"}})
        if request.method == "GET" and endpoint in ("files", "reviews", "comments"):
            items = {"files": self.files, "reviews": self.reviews,
                     "comments": self.comments}[endpoint]
            return self._page(request, endpoint, items)
        if request.method == "POST" and endpoint == "reviews":
            return self._create_review(body or {})
        return self._json(404, {"message": "Not Found", "status": "404"})

    def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
        return Response(json.dumps(data), status=status, headers=headers or {},
                        content_type="application/json; charset=utf-8")

    def _page(self, request: Request, endpoint: str, items: list[Any]) -> Response:
        per_page = min(int(request.args.get("per_page", 30)), 100)
        page = int(request.args.get("page", 1))
        last = max(1, -(-len(items) // per_page))
        chunk = items[(page - 1) * per_page: page * per_page]
        base = f"{self.base_url}/repositories/{REPO_ID}/pulls/{self.number}/{endpoint}"

        def link(p: int, rel: str) -> str:
            return f'<{base}?{urlencode({"per_page": per_page, "page": p})}>; rel="{rel}"'

        rels = []
        if page > 1:
            rels += [link(page - 1, "prev"), link(1, "first")]
        if page < last:
            rels += [link(page + 1, "next"), link(last, "last")]
        return self._json(200, chunk, {"Link": ", ".join(rels)} if rels else {})

    def _commentable(self, path: str) -> list[range]:
        for entry in self.files:
            if entry["filename"] == path and entry["status"] != "removed":
                return [range(int(a), int(a) + (int(b) if b else 1))
                        for a, b in _HUNK.findall(entry.get("patch") or "")]
        return []

    def _unprocessable(self, errors: list[str]) -> Response:
        return self._json(422, {
            "message": "Unprocessable Entity", "errors": errors, "status": "422",
            "documentation_url": "https://docs.github.com/rest/pulls/reviews"
                                 "#create-a-review-for-a-pull-request"})

    def _create_review(self, payload: dict[str, Any]) -> Response:
        if self.read_only:
            return self._json(403, {
                "message": "Resource not accessible by integration", "status": "403",
                "documentation_url": "https://docs.github.com/rest/pulls/reviews"
                                     "#create-a-review-for-a-pull-request"})
        if payload.get("event") not in ("APPROVE", "REQUEST_CHANGES", "COMMENT"):
            return self._unprocessable(["event is not valid"])
        if payload.get("event") != "APPROVE" and not payload.get("body"):
            return self._unprocessable(["Body is required for COMMENT and REQUEST_CHANGES"])
        for c in payload.get("comments", []):
            ranges = self._commentable(c.get("path", ""))
            start = c.get("start_line", c.get("line"))
            ok = (c.get("side", "RIGHT") == "RIGHT" and isinstance(c.get("line"), int)
                  and any(start in r and c["line"] in r for r in ranges)
                  and (start <= c["line"]))
            if not ok:
                return self._unprocessable(["Line could not be resolved"])
        review_id = self._id()
        html = f"https://github.com/{self.repo}/pull/{self.number}#pullrequestreview-{review_id}"
        review = {
            "id": review_id, "node_id": f"PRR_{review_id}", "user": BOT,
            "body": payload["body"], "state": "COMMENTED", "html_url": html,
            "pull_request_url": f"https://api.github.com/repos/{self.repo}/pulls/{self.number}",
            "author_association": "NONE",
            "_links": {"html": {"href": html}, "pull_request": {"href": "..."}},
            "submitted_at": "2026-01-01T00:00:00Z",
            "commit_id": payload.get("commit_id", self.head_sha),
        }
        self.reviews.append(review)
        for c in payload.get("comments", []):
            comment_id = self._id()
            self.comments.append({
                "url": f"https://api.github.com/repos/{self.repo}/pulls/comments/{comment_id}",
                "pull_request_review_id": review_id, "id": comment_id,
                "node_id": f"PRRC_{comment_id}", "diff_hunk": "@@ ...", "path": c["path"],
                "position": 1, "original_position": 1, "commit_id": review["commit_id"],
                "original_commit_id": review["commit_id"], "user": BOT, "body": c["body"],
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                "html_url": f"https://github.com/{self.repo}/pull/{self.number}"
                            f"#discussion_r{comment_id}",
                "author_association": "NONE", "start_line": c.get("start_line"),
                "original_start_line": c.get("start_line"), "start_side": c.get("start_side"),
                "line": c["line"], "original_line": c["line"], "side": c.get("side", "RIGHT"),
                "subject_type": "line",
            })
        return self._json(200, review)
