"""The web app on 127.0.0.1:8080: the demo clinic page, the chat widget's files, the body
map, and the clinic's API and staff pages. `knotbot run` starts it beside the Rasa server and
the action server."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request
from sqlalchemy.engine import Engine

from actions.intake.records import IntakeRecords
from actions.knowledge.database import engine
from actions.knowledge.pain import SIDES, read_regions
from actions.knowledge.rank import KnowledgeBase
from actions.settings import PROJECT_ROOT, emergency_number, tracker_database_url
from bot.web.bodymap import Spot, body_map
from bot.web.clinic import clinic_api
from bot.web.staff.desk import StaffDesk
from bot.web.staff.pages import staff_pages

WEB_DIR = Path(__file__).parent
WIDGET_DIR = WEB_DIR / "widget"
SOCKET_IO_CLIENT = PROJECT_ROOT / "node_modules" / "socket.io-client" / "dist"

pages = Environment(
    loader=FileSystemLoader(WEB_DIR / "pages"), autoescape=select_autoescape(["html"])
)


def create_app(
    rasa_url: str,
    booking_url: str,
    locale: str = "en-US",
    clinic_token: str | None = None,
    records: IntakeRecords | None = None,
    desk: StaffDesk | None = None,
    conversations: Engine | None = None,
    always_secure: bool = False,
) -> Sanic:
    """`records`, `desk` and `conversations` (the tracker store's database) default to the
    databases the settings name; tests give their own, and a desk with a clock of their own."""
    app = Sanic("knotbot_web")
    app.config.FALLBACK_ERROR_FORMAT = "json"
    records = records or IntakeRecords.default()
    knowledge = KnowledgeBase(records.engine)  # one database holds both
    desk = desk or StaffDesk.on(records.engine)
    conversations = conversations or engine(tracker_database_url())
    app.blueprint(clinic_api(clinic_token, records, desk.trail))
    app.blueprint(staff_pages(desk, records, knowledge, conversations, always_secure))

    @app.get("/")
    async def demo_page(request: Request) -> response.HTTPResponse:
        page = pages.get_template("demo.html").render(
            rasa_url=rasa_url,
            booking_url=booking_url,
            locale=locale,
        )
        return response.html(page)

    @app.get("/health")
    async def health(request: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    @app.get("/widget.js")
    async def widget_loader(request: Request) -> response.HTTPResponse:
        return await response.file(WIDGET_DIR / "loader.js", mime_type="text/javascript")

    @app.get("/widget/<name:path>")
    async def widget_file(request: Request, name: str) -> response.HTTPResponse:
        if name == "vendor/socket.io.esm.min.js":
            path = SOCKET_IO_CLIENT / "socket.io.esm.min.js"
        else:
            path = (WIDGET_DIR / name).resolve()
            if WIDGET_DIR.resolve() not in path.parents:
                raise NotFound("No such widget file")
        if not path.is_file():
            raise NotFound(f"No such widget file: {name}")
        return await response.file(path)

    @app.get("/widget/emergency-number.json")
    async def first_emergency_number(request: Request) -> response.HTTPResponse:
        """The number for the widget's disclaimer before the conversation has begun, by the
        bot's own resolution (`?locale=en-GB`); the session start then tells the widget the
        conversation's number (actions/session.py), which it shows from then on."""
        number = emergency_number({"locale": request.args.get("locale")})
        return response.json({"emergency_number": number})

    @app.get("/bodymap.svg")
    async def bodymap(request: Request) -> response.HTTPResponse:
        """The map; `regions`, `side` and `muscles` (comma-separated codes) mark a result."""
        regions = _codes(request, "regions")
        muscles = _codes(request, "muscles")
        side = request.args.get("side") or None
        unknown = [code for code in regions if code not in read_regions()]
        if muscles:
            known = {card.code for card in knowledge.cards(muscles)}
            unknown += [code for code in muscles if code not in known]
        if unknown or (side and side not in SIDES):
            return response.json(
                {"error": "unknown codes", "unknown": unknown + ([side] if side else [])},
                status=400,
            )
        spots = [Spot(number, code) for number, code in enumerate(muscles, start=1)]
        svg = body_map().svg(regions, side, spots)
        return response.text(svg, content_type="image/svg+xml; charset=utf-8")

    @app.on_response
    async def allow_embedding(request: Request, reply: response.HTTPResponse) -> None:
        # clinics embed the widget on their own sites: its modules load cross-origin
        if request.path.startswith(("/widget", "/bodymap")):
            reply.headers["Access-Control-Allow-Origin"] = "*"
            reply.headers.setdefault("Cache-Control", "no-cache")

    return app


def _codes(request: Request, name: str) -> list[str]:
    return [code for code in (request.args.get(name) or "").split(",") if code][:50]
