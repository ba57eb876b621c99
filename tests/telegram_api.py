"""A stand-in for Telegram's Bot API on loopback: it records every call and answers the way
https://core.telegram.org/bots/api documents, so the channel is tested with no internet."""

from __future__ import annotations

import email.parser
import email.policy
import http.server
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from tests.databases import free_port


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    files: dict[str, bytes] = field(default_factory=dict)


class FakeBotAPI:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()

    def sent_to(self, chat_id: int, method: str | None = None) -> list[Call]:
        return [
            c
            for c in list(self.calls)
            if str(c.params.get("chat_id")) == str(chat_id) and method in (None, c.method)
        ]

    def wait_for(self, chat_id: int, count: int, method: str, timeout: float = 60) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.sent_to(chat_id, method)
            if len(calls) >= count:
                return calls
            time.sleep(0.2)
        raise AssertionError(f"{method} to {chat_id}: {len(self.sent_to(chat_id, method))} calls")

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method in ("setWebhook", "answerCallbackQuery", "deleteWebhook"):
            return 200, {"ok": True, "result": True}
        if method in ("sendMessage", "sendPhoto"):
            message = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
            }
            if method == "sendMessage":
                message["text"] = params["text"]
            else:
                message["photo"] = [
                    {"file_id": "p1", "file_unique_id": "u1", "width": 840, "height": 920}
                ]
            return 200, {"ok": True, "result": message}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found: method not found"}

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                prefix = f"/bot{api.token}/"
                if not self.path.startswith(prefix):
                    return self._reply(
                        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    )
                method = self.path[len(prefix) :]
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                params, files = _parse(self.headers.get("Content-Type", ""), body)
                with api._lock:
                    api.calls.append(Call(method, params, files))
                self._reply(*api.answer(method, params))

            def _reply(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def _parse(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, bytes]]:
    if content_type.startswith("application/json"):
        return json.loads(body or b"{}"), {}
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        form = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        params, files = {}, {}
        for part in form.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if part.get_filename():
                files[name] = part.get_payload(decode=True)
            else:
                params[name] = part.get_content()
        return params, files
    return {}, {}
