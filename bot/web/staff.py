"""The clinic staff's pages on the web app (issue 7): today's and upcoming intakes, one
intake with its body map, a printable copy, and its FHIR QuestionnaireResponse.

With KNOTBOT_CLINIC_TOKEN set, a page needs the token as a bearer token or the session
cookie the login form sets. The cookie holds an HMAC keyed by the token, not the token: a
stolen cookie does not give the API's token away, and a new token logs every browser out.
`?token=` is not accepted here, unlike the API: page addresses end up in browser history.
Without the token the pages are open, as `knotbot web` then listens on loopback only."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request

from actions.intake.records import IntakeRecords
from actions.knowledge.rank import KnowledgeBase
from actions.triage.result import levels
from bot.web import intake_view
from bot.web.clinic import FHIR_JSON, fhir_response

PAGES = Path(__file__).parent / "pages" / "staff"
SESSION_COOKIE = "knotbot_staff"
SESSION_MESSAGE = b"knotbot clinic staff session v1"
SESSION_SECONDS = 12 * 3600
"""A working day: the browser forgets the session overnight."""
HEADERS = {
    # health information: never kept in a cache, never framed by another site
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    # a page's address holds the appointment reference
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}

templates = Environment(
    loader=FileSystemLoader(PAGES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def session_value(token: str) -> str:
    return hmac.new(token.encode(), SESSION_MESSAGE, hashlib.sha256).hexdigest()


def staff_pages(token: str | None, records: IntakeRecords, knowledge: KnowledgeBase) -> Blueprint:
    staff = Blueprint("knotbot_staff", url_prefix="/staff")
    stylesheet = templates.get_template("staff.css").render(levels=levels())

    def page(name: str, status: int = 200, **context: Any) -> response.HTTPResponse:
        html = templates.get_template(name).render(login_needed=bool(token), **context)
        return response.html(html, status=status)

    def login_form(error: str, status: int) -> response.HTTPResponse:
        return page("login.html", status, error=error, signed_in=False, printable=False)

    def staff_only(handler):
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> response.HTTPResponse:
            if token:
                scheme, _, given = (request.headers.get("Authorization") or "").partition(" ")
                if scheme.lower() == "bearer":
                    if not hmac.compare_digest(given.strip().encode(), token.encode()):
                        refused = login_form(
                            "The clinic token sent with the request is wrong.", 401
                        )
                        refused.headers["WWW-Authenticate"] = 'Bearer realm="knotbot-clinic"'
                        return refused
                elif not hmac.compare_digest(
                    (request.cookies.get(SESSION_COOKIE) or "").encode(),
                    session_value(token).encode(),
                ):
                    return response.redirect("/staff/login", status=303)
            return await handler(request, *args, **kwargs)

        return checked

    @staff.get("/")
    @staff_only
    async def intakes(request: Request) -> response.HTTPResponse:
        since = intake_view.start_of_today(datetime.now(timezone.utc))
        rows = [intake_view.summary(intake) for intake in records.upcoming(since)]
        return page(
            "list.html",
            rows=rows,
            flagged=sum(row.flagged for row in rows),
            zone=intake_view.clinic_zone().key,
            signed_in=True,
            printable=False,
        )

    @staff.get("/intakes/<ref:str>")
    @staff_only
    async def intake(request: Request, ref: str) -> response.HTTPResponse:
        return intake_page(ref, printable=False)

    @staff.get("/intakes/<ref:str>/print")
    @staff_only
    async def printable(request: Request, ref: str) -> response.HTTPResponse:
        return intake_page(ref, printable=True)

    @staff.get("/intakes/<ref:str>/fhir")
    @staff_only
    async def fhir(request: Request, ref: str) -> response.HTTPResponse:
        # the API's /clinic/intakes/REF/fhir wants the token, which a logged-in browser lacks
        found = records.find(ref)
        if found is None:
            return not_found(ref)
        return response.json(fhir_response(found), content_type=FHIR_JSON)

    def intake_page(ref: str, printable: bool) -> response.HTTPResponse:
        found = records.find(ref)
        if found is None:
            return not_found(ref)
        view = intake_view.detail(found, knowledge)
        return page("intake.html", d=view, s=view.summary, signed_in=True, printable=printable)

    def not_found(ref: str) -> response.HTTPResponse:
        return page("not_found.html", 404, ref=ref, signed_in=True, printable=False)

    @staff.get("/login")
    async def login(request: Request) -> response.HTTPResponse:
        if not token:
            return response.redirect("/staff/", status=303)
        return login_form("", 200)

    @staff.post("/login")
    async def log_in(request: Request) -> response.HTTPResponse:
        if not token:
            return response.redirect("/staff/", status=303)
        given = (request.form.get("token") or "").strip()
        if not hmac.compare_digest(given.encode(), token.encode()):
            return login_form("That is not the clinic's staff token. Please try again.", 401)
        reply = response.redirect("/staff/", status=303)
        _set_session(reply, session_value(token), SESSION_SECONDS, request.scheme == "https")
        return reply

    @staff.post("/logout")
    async def log_out(request: Request) -> response.HTTPResponse:
        reply = response.redirect("/staff/login" if token else "/staff/", status=303)
        _set_session(reply, "", 0, request.scheme == "https")
        return reply

    @staff.get("/staff.css")
    async def css(request: Request) -> response.HTTPResponse:
        return response.text(stylesheet, content_type="text/css; charset=utf-8")

    @staff.middleware("response")
    async def protect(request: Request, reply: response.HTTPResponse) -> None:
        reply.headers.update(HEADERS)

    return staff


def _set_session(reply: response.HTTPResponse, value: str, seconds: int, https: bool) -> None:
    reply.cookies[SESSION_COOKIE] = value
    cookie = reply.cookies[SESSION_COOKIE]
    cookie["path"] = "/staff"
    cookie["max-age"] = seconds
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    # only over HTTPS: a Secure cookie set on plain http://127.0.0.1 would not come back
    cookie["secure"] = https
