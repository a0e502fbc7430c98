"""A real S3 endpoint on 127.0.0.1 for the object-storage tests: moto's server, and helpers to fill its buckets.

The AWS settings (fake keys, the endpoint, plain http) are set only inside the tests that ask for them, through
monkeypatch: the rest of the suite, and the machine, see none of them.
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
import pytest

SECRET = "s3cr3t-Value-That-Must-Never-Show"
"""The secret key every test uses: any output that contains it has leaked it."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MotoServer:
    endpoint: str
    process: subprocess.Popen[bytes]


def start_moto(*, enforce_auth: bool = False) -> MotoServer:
    """`moto_server` as a subprocess on a free port of 127.0.0.1; with `enforce_auth`, unknown keys are refused."""
    port = free_port()
    env = {**os.environ, "MOTO_PORT": str(port)}
    if enforce_auth:
        env["INITIAL_NO_AUTH_ACTION_COUNT"] = "0"
    command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return MotoServer(f"http://127.0.0.1:{port}", process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("moto_server did not start within 30 s")


def stop_moto(server: MotoServer) -> None:
    server.process.terminate()
    server.process.wait(timeout=10)


@dataclass
class Bucket:
    """One fresh bucket on the server; `url(key)` names an object in it."""

    name: str
    endpoint: str
    client: Any

    def url(self, key: str = "") -> str:
        return f"s3://{self.name}/{key}"

    def put(self, key: str, data: bytes) -> str:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)
        return self.url(key)

    def put_parquet(self, key: str, frame: pl.DataFrame) -> str:
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        return self.put(key, buffer.getvalue())

    def get(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name, Prefix=prefix)
        return sorted(entry["Key"] for page in pages for entry in page.get("Contents", []))


def aws_environment(monkeypatch: pytest.MonkeyPatch, endpoint: str) -> None:
    """What a user of an S3-compatible store sets: keys, region, endpoint (and plain http, for localhost)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    monkeypatch.setenv("AWS_ALLOW_HTTP", "true")


def new_bucket(endpoint: str) -> Bucket:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key=SECRET,
    )
    name = f"skew-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=name)
    return Bucket(name, endpoint, client)


def moto_session() -> Iterator[MotoServer]:
    server = start_moto()
    try:
        yield server
    finally:
        stop_moto(server)


class CountingProxy:
    """A plain-http forward proxy on 127.0.0.1 that counts the body bytes the store sent back through it."""

    def __init__(self) -> None:
        import http.client
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        from urllib.parse import urlsplit

        proxy = self
        self.received = 0
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
                path = target.path + (f"?{target.query}" if target.query else "")
                connection.request(self.command, path, body=body, headers=dict(self.headers))
                response = connection.getresponse()
                payload = response.read()
                with proxy.lock:
                    proxy.received += len(payload)
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        for verb in ("GET", "HEAD", "PUT", "POST", "DELETE"):  # http.server's names for its handlers
            setattr(Handler, f"do_{verb}", Handler._forward)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def serve_directory(directory: str) -> tuple[str, Any]:
    """A web server on 127.0.0.1 for `directory`, answering Range requests as real ones do; (its URL, the server)."""
    import functools
    import re
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Ranged(SimpleHTTPRequestHandler):
        def send_head(self) -> Any:
            match = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
            path = self.translate_path(self.path)
            if match is None or not os.path.isfile(path):
                return super().send_head()
            data = open(path, "rb").read()  # noqa: SIM115 - small test files, read whole
            if match.group(1):
                start, end = int(match.group(1)), min(int(match.group(2) or len(data) - 1), len(data) - 1)
            else:  # bytes=-N: the last N bytes (a Parquet footer)
                start, end = max(len(data) - int(match.group(2)), 0), len(data) - 1
            part = data[start : end + 1]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{start + len(part) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(part)))
            self.end_headers()
            return io.BytesIO(part)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Ranged, directory=directory))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server
