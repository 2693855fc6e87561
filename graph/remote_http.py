"""HTTP to the configured SPARQL server only: one request, a total deadline, a size cap."""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from graph.store import StoreError

_CHUNK = 1 << 16


class RemoteError(StoreError):
    """The server could not be reached or answered with an error; `.status` when it answered."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class RemoteTimeout(RemoteError):
    """No complete answer before the deadline; the connection was closed (request cancelled)."""


class RemoteTooBig(RemoteError):
    """The answer grew past the size cap; the connection was closed."""


@dataclass(frozen=True)
class Request:
    """One POST to the server."""

    url: str
    body: bytes
    content_type: str
    accept: str
    params: tuple[tuple[str, str], ...] = ()


def post(request: Request, timeout: float, max_bytes: int) -> tuple[str, bytes]:
    """Send the request; returns (content type, body). Never follows redirects elsewhere."""
    deadline = time.monotonic() + timeout
    parts = urlsplit(request.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"Not an http(s) URL: {request.url}")
    connection_type = (http.client.HTTPSConnection if parts.scheme == "https"
                       else http.client.HTTPConnection)
    connection = connection_type(parts.hostname, parts.port, timeout=max(timeout, 0.001))
    path = (parts.path or "/") + ("?" + parts.query if parts.query else "")
    if request.params:
        path += ("&" if "?" in path else "?") + urlencode(request.params)
    try:
        connection.request("POST", path, body=request.body, headers={
            "Content-Type": request.content_type, "Accept": request.accept,
            "Content-Length": str(len(request.body))})
        _remaining(deadline, connection)
        response = connection.getresponse()
        body = _read(response, deadline, max_bytes, connection)
    except TimeoutError:
        raise RemoteTimeout(f"{request.url}: no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as error:
        raise RemoteError(f"{request.url}: {error}") from None
    finally:
        connection.close()  # also how a running request is cancelled
    if response.status >= 300:
        detail = body.decode("utf-8", "replace").strip()[:500]
        raise RemoteError(f"{request.url} answered {response.status}: {detail}", response.status)
    return response.getheader("Content-Type", ""), body


def _read(response: http.client.HTTPResponse, deadline: float, max_bytes: int,
          connection: http.client.HTTPConnection) -> bytes:
    """The whole body, checking the deadline and the cap after every chunk."""
    chunks, size = [], 0
    while True:
        _remaining(deadline, connection)
        chunk = response.read1(_CHUNK) if hasattr(response, "read1") else response.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise RemoteTooBig(f"the answer is larger than {max_bytes} bytes")
        chunks.append(chunk)


def _remaining(deadline: float, connection: http.client.HTTPConnection) -> None:
    """Shorten the socket timeout to what is left of the deadline; TimeoutError when none."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(left)
