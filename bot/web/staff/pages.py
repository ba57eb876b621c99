"""The clinic staff's pages on the web app: today's and upcoming intakes, one intake with its
body map, a printable copy, its FHIR QuestionnaireResponse, its erasure, and for admins the
accounts and the audit trail.

Every page needs a staff member signed in as themselves (accounts.py, sessions.py); the
clinic token opens the API (clinic.py), not these pages. Every form carries its session's
CSRF token, the login form a token of its own; every access is in the audit trail."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable, Coroutine
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Blueprint, response
from sanic.request import Request
from sqlalchemy.engine import Engine

from actions.intake.conversations import erase_intake
from actions.intake.records import IntakeRecords
from actions.knowledge.rank import KnowledgeBase
from actions.triage.result import levels
from bot.web import intake_view
from bot.web.fhir import FHIR_JSON, fhir_response
from bot.web.staff.accounts import AccountError
from bot.web.staff.audit import ACTIONS, client_address, write_csv
from bot.web.staff.desk import StaffDesk
from bot.web.staff.schema import ROLES
from bot.web.staff.sessions import SignedIn
from bot.web.staff.signin import Refused

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "knotbot_staff"
LOGIN_COOKIE = "knotbot_login"
"""The login form's own CSRF token, sent back as a cookie and as a field (before a session
exists there is nothing server-side to keep it in)."""
AUDIT_PAGE_ROWS = 500
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
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

Handler = Callable[..., Coroutine[Any, Any, response.HTTPResponse]]


def staff_pages(
    desk: StaffDesk,
    records: IntakeRecords,
    knowledge: KnowledgeBase,
    conversations: Engine,
    always_secure: bool = False,
) -> Blueprint:
    """`conversations` is the tracker store's database, where an erased intake's
    conversation goes too; `always_secure` marks the cookies Secure even when the request
    reached the app as plain HTTP (behind an HTTPS proxy that does not say so)."""
    staff = Blueprint("knotbot_staff", url_prefix="/staff")
    stylesheet = templates.get_template("staff.css").render(levels=levels())

    def page(
        name: str, me: SignedIn | None, status: int = 200, **context: Any
    ) -> response.HTTPResponse:
        html = templates.get_template(name).render(me=me, printable=False, **context)
        return response.html(html, status=status)

    def audit(
        request: Request,
        me: SignedIn,
        action: str,
        subject: str | None = None,
        refused_because: str | None = None,
    ) -> None:
        source = client_address(request)
        desk.trail.record(me.account.username, action, source, subject, refused_because)

    def refused(me: SignedIn | None, why: str, status: int = 403) -> response.HTTPResponse:
        return page("refused.html", me, status, why=why)

    def signed_in(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> response.HTTPResponse:
            cookie = request.cookies.get(SESSION_COOKIE)
            me = desk.sessions.find(cookie)
            if me is None:
                reply = response.redirect(
                    "/staff/login?ended=1" if cookie else "/staff/login", status=303
                )
                if cookie:
                    _set_cookie(reply, SESSION_COOKIE, "", 0, secure(request))
                return reply
            if request.method == "POST" and not _same(request.form.get("csrf"), me.csrf_token):
                audit(request, me, "csrf", refused_because="form without token")
                return refused(me, "This form has expired. Go back, reload, try again.")
            return await handler(request, me, *args, **kwargs)

        return checked

    def admin_only(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(
            request: Request, me: SignedIn, *args: Any, **kwargs: Any
        ) -> response.HTTPResponse:
            if not me.account.admin:
                audit(request, me, "admin_page", request.path, refused_because="not an admin")
                return refused(me, "Only an admin can open this page.")
            return await handler(request, me, *args, **kwargs)

        return checked

    def secure(request: Request) -> bool:
        return always_secure or request.scheme == "https"

    @staff.get("/")
    @signed_in
    async def intakes(request: Request, me: SignedIn) -> response.HTTPResponse:
        since = intake_view.start_of_today(datetime.now(intake_view.clinic_zone()))
        rows = [intake_view.summary(intake) for intake in records.upcoming(since)]
        audit(request, me, "intake_list")
        return page(
            "list.html",
            me,
            rows=rows,
            flagged=sum(row.flagged for row in rows),
            zone=intake_view.clinic_zone().key,
            erased=request.args.get("erased"),
        )

    @staff.get("/intakes/<ref:str>")
    @signed_in
    async def intake(request: Request, me: SignedIn, ref: str) -> response.HTTPResponse:
        return intake_page(request, me, ref, printable=False)

    @staff.get("/intakes/<ref:str>/print")
    @signed_in
    async def printable(request: Request, me: SignedIn, ref: str) -> response.HTTPResponse:
        return intake_page(request, me, ref, printable=True)

    @staff.get("/intakes/<ref:str>/fhir")
    @signed_in
    async def fhir(request: Request, me: SignedIn, ref: str) -> response.HTTPResponse:
        found = records.find(ref)
        if found is None:
            return not_found(me, ref)
        audit(request, me, "fhir_export", ref)
        return response.json(fhir_response(found), content_type=FHIR_JSON)

    def intake_page(
        request: Request, me: SignedIn, ref: str, printable: bool
    ) -> response.HTTPResponse:
        found = records.find(ref)
        if found is None:
            return not_found(me, ref)
        audit(request, me, "intake_print" if printable else "intake_view", ref)
        view = intake_view.detail(found, knowledge)
        html = templates.get_template("intake.html").render(
            me=me, d=view, s=view.summary, printable=printable
        )
        return response.html(html)

    def not_found(me: SignedIn, ref: str) -> response.HTTPResponse:
        return page("not_found.html", me, 404, ref=ref)

    @staff.get("/intakes/<ref:str>/erase")
    @signed_in
    async def erase_form(request: Request, me: SignedIn, ref: str) -> response.HTTPResponse:
        if records.find(ref) is None:
            return not_found(me, ref)
        return page("erase.html", me, ref=ref)

    @staff.post("/intakes/<ref:str>/erase")
    @signed_in
    async def erase(request: Request, me: SignedIn, ref: str) -> response.HTTPResponse:
        if erase_intake(records, conversations, ref) is None:
            return not_found(me, ref)
        audit(request, me, "intake_erase", ref)
        return response.redirect(f"/staff/?erased={ref}", status=303)

    @staff.get("/login")
    async def login(request: Request) -> response.HTTPResponse:
        return login_form(request, "", 200)

    def login_form(request: Request, error: str, status: int) -> response.HTTPResponse:
        token = secrets.token_urlsafe(32)
        reply = page(
            "login.html",
            None,
            status,
            error=error,
            ended=bool(request.args.get("ended")) and not error,
            no_accounts=not desk.accounts.any(),
            csrf=token,
            username=(request.form.get("username") or "")[:64] if request.form else "",
        )
        _set_cookie(reply, LOGIN_COOKIE, token, 3600, secure(request))
        return reply

    @staff.post("/login")
    async def log_in(request: Request) -> response.HTTPResponse:
        if not _same(request.form.get("csrf"), request.cookies.get(LOGIN_COOKIE)):
            return login_form(request, "The form had expired. Please sign in again.", 403)
        outcome = desk.sign_in.attempt(
            request.form.get("username") or "",
            request.form.get("password") or "",
            client_address(request),
        )
        if isinstance(outcome, Refused):
            return login_form(request, outcome.message, 401)
        reply = response.redirect("/staff/", status=303)
        _set_cookie(
            reply,
            SESSION_COOKIE,
            outcome.cookie,
            int(desk.sessions.limit.total_seconds()),
            secure(request),
        )
        _set_cookie(reply, LOGIN_COOKIE, "", 0, secure(request))
        return reply

    @staff.post("/logout")
    @signed_in
    async def log_out(request: Request, me: SignedIn) -> response.HTTPResponse:
        desk.sessions.close(me.cookie)
        audit(request, me, "logout")
        reply = response.redirect("/staff/login", status=303)
        _set_cookie(reply, SESSION_COOKIE, "", 0, secure(request))
        return reply

    @staff.get("/admin/accounts")
    @signed_in
    @admin_only
    async def accounts(request: Request, me: SignedIn) -> response.HTTPResponse:
        return accounts_page(me, notice=request.args.get("done") or "", error="")

    def accounts_page(
        me: SignedIn, notice: str, error: str, status: int = 200
    ) -> response.HTTPResponse:
        return page(
            "accounts.html",
            me,
            status,
            accounts=desk.accounts.all(),
            roles=ROLES,
            notice=notice[:200],
            error=error,
        )

    @staff.post("/admin/accounts")
    @signed_in
    @admin_only
    async def add_account(request: Request, me: SignedIn) -> response.HTTPResponse:
        form = request.form
        try:
            added = desk.accounts.add(
                form.get("username") or "",
                form.get("name") or "",
                form.get("role") or "",
                form.get("password") or "",
            )
        except AccountError as problem:
            return accounts_page(me, "", str(problem), status=400)
        audit(request, me, "account_add", added.username)
        return response.redirect(f"/staff/admin/accounts?done=Added+{added.username}", status=303)

    @staff.post("/admin/accounts/<username:str>/<change:str>")
    @signed_in
    @admin_only
    async def change_account(
        request: Request, me: SignedIn, username: str, change: str
    ) -> response.HTTPResponse:
        done = {"disable": "Disabled", "enable": "Enabled", "password": "Set the password of"}
        if change not in done:
            return refused(me, "There is no such change to an account.", 404)
        if change == "disable" and username == me.account.username:
            return accounts_page(me, "", "You cannot disable your own account.", status=400)
        try:
            if change == "password":
                changed = desk.accounts.set_password(username, request.form.get("password") or "")
            else:
                changed = getattr(desk.accounts, change)(username)
        except AccountError as problem:
            return accounts_page(me, "", str(problem), status=400)
        audit(
            request, me, "password_set" if change == "password" else f"account_{change}", username
        )
        if changed.username == me.account.username:  # their own password: sign in again
            return response.redirect("/staff/login", status=303)
        notice = f"{done[change]} {changed.username}".replace(" ", "+")
        return response.redirect(f"/staff/admin/accounts?done={notice}", status=303)

    @staff.get("/admin/audit")
    @signed_in
    @admin_only
    async def audit_trail(request: Request, me: SignedIn) -> response.HTTPResponse:
        audit(request, me, "audit_view")
        entries = desk.trail.entries(limit=AUDIT_PAGE_ROWS)
        return page("audit.html", me, entries=entries, actions=ACTIONS, rows=AUDIT_PAGE_ROWS)

    @staff.get("/admin/audit.csv")
    @signed_in
    @admin_only
    async def audit_export(request: Request, me: SignedIn) -> response.HTTPResponse:
        audit(request, me, "audit_export")
        out = io.StringIO()
        write_csv(desk.trail.entries(), out)
        return response.text(
            out.getvalue(),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="knotbot-audit.csv"'},
        )

    @staff.get("/staff.css")
    async def css(request: Request) -> response.HTTPResponse:
        return response.text(stylesheet, content_type="text/css; charset=utf-8")

    @staff.middleware("response")
    async def protect(request: Request, reply: response.HTTPResponse) -> None:
        reply.headers.update(HEADERS)

    return staff


def _same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return secrets.compare_digest(str(given).encode(), str(expected).encode())


def _set_cookie(
    reply: response.HTTPResponse, name: str, value: str, seconds: int, secure: bool
) -> None:
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["path"] = "/staff"
    cookie["max-age"] = seconds
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    # over plain http://127.0.0.1 a Secure cookie would not come back: only behind HTTPS
    cookie["secure"] = secure
