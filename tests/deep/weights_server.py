"""A small HTTP server on 127.0.0.1 serving bytes with Range support and scripted failures."""
from __future__ import annotations

import base64
import hashlib
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Served:
    """One file: its bytes and how the server misbehaves with it."""

    body: bytes
    #: the first N full (non-Range) responses stop after this many bytes and drop the connection
    cut_after: int | None = None
    cuts_left: int = 1
    #: send this Content-MD5 (base64) instead of the right one; None: the right one
    content_md5: str | None = None
    send_md5: bool = True
    accept_ranges: bool = True
    requests: list[dict[str, str]] = field(default_factory=list)


class WeightsServer:
    """`server.url(path)` after `server.files[path] = Served(...)`."""

    def __init__(self) -> None:
        self.files: dict[str, Served] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                served = server.files.get(self.path)
                if served is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                served.requests.append(dict(self.headers))
                body = served.body
                match = re.match(r"bytes=(\d+)-$", self.headers.get("Range", ""))
                if match and served.accept_ranges:
                    start = int(match.group(1))
                    if start >= len(body):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(body)}")
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    chunk = body[start:]
                    self.send_response(206)
                    self.send_header("Content-Range",
                                     f"bytes {start}-{len(body) - 1}/{len(body)}")
                    self.send_header("Content-Length", str(len(chunk)))
                    self.end_headers()
                    self.wfile.write(chunk)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                if served.send_md5:
                    md5 = served.content_md5 or base64.b64encode(
                        hashlib.md5(body).digest()).decode()
                    self.send_header("Content-MD5", md5)
                self.end_headers()
                if served.cut_after is not None and served.cuts_left > 0:
                    served.cuts_left -= 1
                    self.wfile.write(body[:served.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
