"""The clinic's API on the web app: register appointments, read intakes (contract.md,
"Clinic intake"). With KNOTBOT_CLINIC_TOKEN set, every route needs it as a bearer token or
`?token=`; without it the web app listens on loopback only, as `knotbot web` does."""

from __future__ import annotations

import hmac
from dataclasses import asdict
from datetime import datetime, time, timezone
from functools import wraps
from typing import Any

from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from actions.intake.questionnaire import QUESTIONNAIRE_ID, fhir_questionnaire, load_questionnaire
from actions.intake.records import Intake, IntakeError, IntakeRecords
from bot.web.fhir import FHIR_JSON, fhir_response
from bot.web.staff.audit import CLINIC_TOKEN, NO_TOKEN, AuditTrail, client_address


def clinic_api(token: str | None, records: IntakeRecords, trail: AuditTrail) -> Blueprint:
    clinic = Blueprint("knotbot_clinic", url_prefix="/clinic")

    def audit(request: Request, action: str, ref: str | None = None) -> None:
        trail.record(CLINIC_TOKEN if token else NO_TOKEN, action, client_address(request), ref)

    def staff_only(handler):
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> response.HTTPResponse:
            if token and not _carries(request, token):
                return response.json(
                    {"error": "staff only: send the clinic token as a bearer token"},
                    status=401,
                    headers={"WWW-Authenticate": 'Bearer realm="knotbot-clinic"'},
                )
            return await handler(request, *args, **kwargs)

        return checked

    @clinic.post("/appointments")
    @staff_only
    async def register_appointment(request: Request) -> response.HTTPResponse:
        body = _json(request)
        if not isinstance(body, dict) or not {"ref", "starts_at"} <= set(body):
            return _bad('send {"ref": REF, "starts_at": ISO-8601 date and time}')
        try:
            starts_at = datetime.fromisoformat(str(body["starts_at"]).replace("Z", "+00:00"))
        except ValueError:
            return _bad(f"starts_at is not an ISO-8601 date and time: {body['starts_at']!r}")
        if starts_at.tzinfo is None:
            return _bad("starts_at needs its time zone, e.g. 2026-12-01T10:00:00+00:00")
        try:
            records.register_appointment(str(body["ref"]), starts_at)
        except IntakeError:
            return _bad("ref must be 3 to 64 letters, digits, '-' or '_'")
        return response.json({"ref": body["ref"], "starts_at": starts_at.isoformat()}, status=201)

    @clinic.get("/intakes")
    @staff_only
    async def intakes(request: Request) -> response.HTTPResponse:
        today = datetime.combine(datetime.now(timezone.utc).date(), time(), timezone.utc)
        audit(request, "intake_list")
        return response.json({"intakes": [_public(i) for i in records.upcoming(today)]})

    @clinic.get("/intakes/<ref:str>")
    @staff_only
    async def intake(request: Request, ref: str) -> response.HTTPResponse:
        return _one(
            records, ref, lambda found: audited(request, "intake_view", ref, _public(found))
        )

    @clinic.get("/intakes/<ref:str>/fhir")
    @staff_only
    async def intake_as_fhir(request: Request, ref: str) -> response.HTTPResponse:
        return _one(
            records,
            ref,
            lambda found: audited(request, "fhir_export", ref, fhir_response(found), FHIR_JSON),
        )

    def audited(
        request: Request, action: str, ref: str, body: dict[str, Any], content_type: str = ""
    ) -> response.HTTPResponse:
        audit(request, action, ref)
        return response.json(body, content_type=content_type or "application/json")

    @clinic.get(f"/fhir/Questionnaire/{QUESTIONNAIRE_ID}")
    async def questionnaire(request: Request) -> response.HTTPResponse:
        # the questions only, no patient's answers: readable without the staff token
        return response.json(fhir_questionnaire(load_questionnaire()), content_type=FHIR_JSON)

    return clinic


def _one(records: IntakeRecords, ref: str, render) -> response.HTTPResponse:
    found = records.find(ref)
    if found is None:
        return response.json({"error": f"no intake for {ref}"}, status=404)
    return render(found)


def _carries(request: Request, token: str) -> bool:
    given = request.args.get("token") or ""
    scheme, _, credentials = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() == "bearer":
        given = credentials.strip()
    return hmac.compare_digest(given.encode(), token.encode())


def _json(request: Request) -> Any:
    try:
        return request.json
    except InvalidUsage:  # not JSON at all
        return None


def _bad(message: str) -> response.HTTPResponse:
    return response.json({"error": message}, status=400)


def _public(intake: Intake) -> dict[str, Any]:
    """The record as JSON: its status, the contract's slots and the intake answers. The
    slots are also top-level keys, under their contract names, for clients that read the
    record like a tracker."""
    data = {
        item.from_slot: intake.slots.get(item.from_slot)
        for item in load_questionnaire().items
        if item.from_slot
    }
    data |= asdict(intake)
    data["starts_at"] = intake.starts_at.isoformat()
    data["updated_at"] = intake.updated_at.isoformat()
    return data
