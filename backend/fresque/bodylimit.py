"""Request bodies capped by route before they are read (a pure ASGI middleware).

Without it, FastAPI reads a JSON body whole before validating it: four concurrent 100 MB bodies to
`POST /api/join` cost the process over a gigabyte, with no session needed. Here each request gets a cap
from its route, before the application sees it:

- a declared `Content-Length` over the cap is refused at once, without reading a byte of the body;
- a body without one (chunked) is counted as it arrives and refused as soon as the count passes the cap;
  the application then sees the client as gone (`http.disconnect`) and stops, and whatever it would have
  answered is dropped.

Imports and uploads may be larger than a JSON command, and both are a facilitator's alone; FastAPI would
read such a body before the route checks the session, so here a body that may pass the JSON cap is let in
only with a facilitator's session (`facilitator_gate`): anyone else gets the route's own 401/403 before a
byte is read, and an anonymous client can never make the server hold more than the JSON cap.

The refusal is `413` in the house shape (`{"error", "message", "limit"}`) with `Connection: close`, so the
server stops reading the rest of the body rather than receiving and discarding it. Memory held per request
is then at most the cap plus the server's own read buffer (64 KiB in uvicorn).
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from typing import Final

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api.custom_pictograms import BODY_LIMIT as UPLOAD_BODY_LIMIT
from .api.deps import browser_write_session
from .api.errors import ApiError
from .api.study_data import account_gate
from .roles import FACILITATOR
from .uploads import MAX_UPLOAD_BYTES


@dataclass(frozen=True)
class BodyRule:
    limit: int  # bytes
    code: str
    message: str

    def content(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, "limit": self.limit}


IMPORTS_AT_ONCE: Final = 1  # large import bodies read and handled at the same time (`_one_import_at_a_time`)
IMPORT_WAIT_SECONDS: Final = 5.0  # how long a second one waits for its turn before 503 server_busy

# Routes whose bodies may be larger than a JSON command's: (method, path pattern) → which cap.
IMPORT_ROUTES: Final = (
    ("POST", re.compile(r"^/api/boards/import$")),
    ("POST", re.compile(r"^/api/studies/import$")),
)
# Of those, the ones for a signed-in account rather than a workshop's facilitator (`account_gate`).
ACCOUNT_ROUTES: Final = (("POST", re.compile(r"^/api/studies/import$")),)
UPLOAD_ROUTES: Final = (("POST", re.compile(r"^/api/workshops/[^/]+/pictograms$")),)


async def facilitator_gate(scope: Scope) -> ApiError | None:
    """None when the request carries a facilitator's session (Bearer, or the cookie with Origin and CSRF
    token, as `browser_write_session` checks); otherwise the refusal its route would give. The route checks
    again, precisely (which workshop, which kind of session)."""
    try:
        session, _ = await browser_write_session(Request(scope))
    except ApiError as refusal:
        return refusal
    if session.role != FACILITATOR:
        return ApiError(403, "facilitator_only", "only a workshop's facilitator may send this")
    return None


def _matches(routes: tuple[tuple[str, re.Pattern[str]], ...], method: str, path: str) -> bool:
    return any(method == m and pattern.match(path) for m, pattern in routes)


class BodyLimit:
    def __init__(
        self,
        app: ASGIApp,
        *,
        json_limit: int,
        import_limit: int,
        import_seconds: float = 120.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.app = app
        self.import_seconds = import_seconds
        self._imports = asyncio.Semaphore(IMPORTS_AT_ONCE)
        self.json_rule = BodyRule(
            json_limit, "body_too_large", f"this request's body may weigh at most {json_limit} bytes"
        )
        self.import_rule = BodyRule(
            import_limit, "body_too_large", f"an imported document may weigh at most {import_limit} bytes"
        )
        # Uploads keep their own cap and code (`fresque.api.custom_pictograms`: the picture plus the form).
        self.upload_rule = BodyRule(
            UPLOAD_BODY_LIMIT, "image_too_large", f"a picture may weigh at most {MAX_UPLOAD_BYTES} bytes"
        )
        self.headers = headers or {}

    def rule_for(self, method: str, path: str) -> BodyRule:
        if _matches(UPLOAD_ROUTES, method, path):
            return self.upload_rule
        if _matches(IMPORT_ROUTES, method, path):
            return self.import_rule
        return self.json_rule

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.rule_for(scope["method"], scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > rule.limit:
            await self._refuse(send, 413, rule.content())
            return
        large = rule is not self.json_rule and (declared is None or declared > self.json_rule.limit)
        if large:
            account = _matches(ACCOUNT_ROUTES, scope["method"], scope["path"])
            refusal = await (account_gate if account else facilitator_gate)(scope)
            if refusal is not None:
                extra = refusal.extra or {}
                content = {**extra, "error": refusal.code, "message": refusal.message}
                await self._refuse(send, refusal.status, content)
                return
        if large and rule is self.import_rule:
            await self._one_import_at_a_time(scope, receive, send)
            return
        await self._counted(scope, receive, send, rule, seconds=None)

    async def _one_import_at_a_time(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A JSON document takes many times its size in memory once parsed (`[{},{},…]`: ~25 times), and any
        visitor can make a workshop and so be a facilitator: large imports are read and handled one at a time,
        each body within `import_seconds` (a client trickling one in cannot keep the others out)."""
        try:
            await asyncio.wait_for(self._imports.acquire(), IMPORT_WAIT_SECONDS)
        except TimeoutError:
            busy: dict[str, object] = {
                "error": "server_busy",
                "message": "another import is being read; try again in a moment",
            }
            await self._refuse(send, 503, busy, retry_after=int(IMPORT_WAIT_SECONDS))
            return
        try:
            await self._counted(scope, receive, send, self.import_rule, seconds=self.import_seconds)
        finally:
            self._imports.release()

    async def _counted(
        self, scope: Scope, receive: Receive, send: Send, rule: BodyRule, *, seconds: float | None
    ) -> None:
        """The application, with its body counted as it arrives (and, given `seconds`, timed)."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        received = 0
        refused = False
        started = False

        async def refuse(status: int, content: dict[str, object]) -> Message:
            nonlocal refused
            refused = True
            if not started:
                await self._refuse(send, status, content)
            return {"type": "http.disconnect"}

        async def counted_receive() -> Message:
            nonlocal received
            if refused:
                return {"type": "http.disconnect"}
            if deadline is None:
                message = await receive()
            else:
                try:
                    message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
                except TimeoutError:
                    slow = f"an imported document must arrive within {seconds:g} seconds"
                    return await refuse(408, {"error": "body_too_slow", "message": slow})
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > rule.limit:
                    return await refuse(413, rule.content())
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:  # the refusal was the answer; what the application says after it goes nowhere
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, guarded_send)

    async def _refuse(
        self, send: Send, status: int, content: dict[str, object], *, retry_after: int | None = None
    ) -> None:
        """An answer in the house shape, sent before the body is read (so the connection closes after it)."""
        body = json.dumps(content).encode()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),  # the rest of the body is not read: the connection cannot be reused
            *((name.lower().encode(), value.encode()) for name, value in self.headers.items()),
        ]
        if retry_after is not None:
            headers.append((b"retry-after", str(retry_after).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None
