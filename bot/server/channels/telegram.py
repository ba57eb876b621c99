"""KnotBot on Telegram: the Bot API over aiohttp, in place of Rasa 3.6's Telegram channel.

Rasa 3.6.21's channel (aiogram 2.15, which speaks Bot API 5.3) fails on the first update
with a closed event loop, checks no secret token, calls getMe on every update, never
answers callback queries and cannot use a self-hosted Bot API server (the team's research
notes, rasa-3.6-notes.md, section 0 and (e)). This one is configured by environment variables
only (`TelegramSettings`); with no TELEGRAM_TOKEN it is off and its webhook answers 404.
Messages pass the limits of bot/server/channels/limits.py first, and the person is answered even
when the assistant fails (bot/server/channels/faults.py).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import aiohttp
import yaml
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from actions.settings import DATA_DIR
from bot.server.channels import limits
from bot.server.channels.faults import Guard

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CALLBACK_DATA_LIMIT = 64
"""Bytes Telegram allows in an inline button's callback data."""
MESSAGE_LIMIT = 4096
REMEMBERED_UPDATES = 10_000
COMMANDS = {"/start": "/greet", "/restart": "/restart", "/help": "/ask_help"}


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    bot_name: str | None
    webhook_url: str | None
    secret: str
    api_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> TelegramSettings | None:
        token = env.get("TELEGRAM_TOKEN")
        if not token:
            return None
        # Telegram allows A-Z, a-z, 0-9, _ and - in the secret; a hex digest always fits
        secret = (
            env.get("TELEGRAM_SECRET_TOKEN")
            or hashlib.sha256(b"knotbot-webhook:" + token.encode()).hexdigest()
        )
        return cls(
            token=token,
            bot_name=env.get("TELEGRAM_BOT_NAME"),
            webhook_url=env.get("TELEGRAM_WEBHOOK_URL"),
            secret=secret,
            api_url=(env.get("TELEGRAM_API_URL") or "https://api.telegram.org").rstrip("/"),
        )


class BotAPIError(Exception):
    """The Bot API refused a call or could not be reached."""


class BotAPI:
    """Calls to the Bot API; the HTTP session opens on the loop that first uses it."""

    def __init__(self, settings: TelegramSettings) -> None:
        self.base = f"{settings.api_url}/bot{settings.token}/"
        self._session: aiohttp.ClientSession | None = None

    async def call(self, method: str, **params: Any) -> Any:
        return await self._post(method, json={k: v for k, v in params.items() if v is not None})

    async def upload(self, method: str, field: str, name: str, data: bytes, **params: Any) -> Any:
        form = aiohttp.FormData()
        for key, value in params.items():
            form.add_field(key, str(value))
        form.add_field(field, data, filename=name, content_type="image/png")
        return await self._post(method, data=form)

    async def _post(self, method: str, **body: Any) -> Any:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))
        try:
            async with self._session.post(self.base + method, **body) as reply:
                answer = await reply.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise BotAPIError(f"{method}: {type(error).__name__}") from error
        if not isinstance(answer, dict) or not answer.get("ok"):
            description = answer.get("description") if isinstance(answer, dict) else answer
            raise BotAPIError(f"{method}: {description}")
        return answer.get("result")


@cache
def channel_texts() -> dict[str, str]:
    """What the channel itself says (to stickers, edits, failures), as reviewable data."""
    return yaml.safe_load((DATA_DIR / "channels" / "telegram.yml").read_text())["texts"]


class TelegramOutput(OutputChannel):
    def __init__(self, api: BotAPI) -> None:
        self.api = api

    @classmethod
    def name(cls) -> str:
        return "telegram"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for start in range(0, len(text), MESSAGE_LIMIT):
            await self.api.call(
                "sendMessage", chat_id=recipient_id, text=text[start : start + MESSAGE_LIMIT]
            )

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.api.call(
            "sendMessage", chat_id=recipient_id, text=text, reply_markup=keyboard(buttons)
        )

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.api.call("sendPhoto", chat_id=recipient_id, photo=image)

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        kind = json_message.get("knotbot")
        if kind not in PICTURED or json_message.get("level") == "emergency":
            # the map question has its buttons; an emergency is its words alone; the session
            # start's note of the number is for the web widget (bot/server/channels/notes.py)
            return
        try:
            picture = PICTURED[kind](json_message)
        except (ImportError, OSError) as error:  # Cairo missing: the text still follows
            logger.error("Result picture not drawn (%s)", type(error).__name__)
            return
        await self.api.upload(
            "sendPhoto",
            "photo",
            f"knotbot-{kind}.png",
            picture,
            chat_id=recipient_id,
            caption=json_message.get("title") or json_message.get("name"),
        )


def keyboard(buttons: list[dict[str, Any]]) -> dict[str, Any]:
    """Inline buttons; a reply keyboard of titles when a payload is too long for Telegram."""
    payloads = [str(b.get("payload") or b.get("title")) for b in buttons]
    if all(len(p.encode()) <= CALLBACK_DATA_LIMIT for p in payloads):
        keys = [
            {"text": b.get("title") or p, "callback_data": p}
            for b, p in zip(buttons, payloads, strict=True)
        ]
        return {"inline_keyboard": _rows(buttons, keys)}
    keys = [{"text": b.get("title") or p} for b, p in zip(buttons, payloads, strict=True)]
    return {"keyboard": _rows(buttons, keys), "one_time_keyboard": True, "resize_keyboard": True}


def _rows(buttons: list[dict[str, Any]], keys: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    """A row per button `group` ("Arms"), else two buttons a row, short enough for phones."""
    if all(b.get("group") for b in buttons):
        groups: dict[str, list[dict[str, str]]] = {b["group"]: [] for b in buttons}
        for button, key in zip(buttons, keys, strict=True):
            groups[button["group"]].append(key)
        return list(groups.values())
    return [keys[i : i + 2] for i in range(0, len(keys), 2)]


def result_picture(card: Mapping[str, Any]) -> bytes:
    """The web widget's result map as a PNG: pain regions shaded, trigger points numbered."""
    spots = [(p["number"], p["code"]) for p in card.get("trigger_points", ())]
    return _png([r["code"] for r in card.get("regions", ())], card.get("side"), spots)


def _png(regions: list[str], side: str | None, spots: list[tuple[int, str]]) -> bytes:
    import cairosvg

    from bot.web.bodymap import Spot, body_map

    svg = body_map().svg(regions, side, [Spot(number, code) for number, code in spots])
    return cairosvg.svg2png(bytestring=svg.encode(), output_width=840, background_color="white")


def muscle_picture(muscle: Mapping[str, Any]) -> bytes:
    """A muscle asked about (actions/muscle_question.py): its trigger point, marked 1, and
    the regions it sends pain to, shaded."""
    return _png([r["code"] for r in muscle.get("regions", ())], None, [(1, muscle["code"])])


PICTURED = {"result": result_picture, "muscle": muscle_picture}
"""The custom payloads drawn as a picture, by their `knotbot` kind."""


class TelegramInput(InputChannel):
    def __init__(self, settings: TelegramSettings | None) -> None:
        self.settings = settings
        self.api = BotAPI(settings) if settings else None
        self.seen: OrderedDict[int, None] = OrderedDict()

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(TelegramSettings.from_env())

    def get_output_channel(self) -> OutputChannel | None:
        return TelegramOutput(self.api) if self.api else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        gate = limits.gate()
        guard = Guard(on_new_message)
        blueprint = guard.watch(Blueprint("knotbot_telegram", __name__))

        @blueprint.get("/")
        async def health(request: Request) -> response.HTTPResponse:
            return response.json({"status": "ok" if self.settings else "off"})

        @blueprint.post("/webhook")
        async def webhook(request: Request) -> response.HTTPResponse:
            settings, api = self.settings, self.api  # both set, or neither
            if not settings or not api:
                return response.json({"error": "Telegram is off: TELEGRAM_TOKEN is not set"}, 404)
            given = request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), settings.secret.encode()):
                return response.json({"error": "wrong or missing secret token"}, 403)
            update = request.json
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                return response.json({"error": "not a Telegram update"}, 400)
            if self._seen_before(update["update_id"]):
                return response.json({"status": "already handled"})
            await self._handle(update, api, settings, gate, guard)
            return response.json({"status": "ok"})

        @blueprint.listener("after_server_start")
        async def register_webhook(app: Any, loop: Any) -> None:
            settings, api = self.settings, self.api
            if settings and api and settings.webhook_url:
                try:
                    await api.call(
                        "setWebhook",
                        url=settings.webhook_url,
                        secret_token=settings.secret,
                        allowed_updates=["message", "edited_message", "callback_query"],
                    )
                    logger.info("Telegram webhook registered")
                except BotAPIError as error:
                    logger.error("Telegram webhook not registered (%s)", error)

        return blueprint

    def _seen_before(self, update_id: int) -> bool:
        # Telegram resends an update it thinks was not delivered
        if update_id in self.seen:
            return True
        self.seen[update_id] = None
        if len(self.seen) > REMEMBERED_UPDATES:
            self.seen.popitem(last=False)
        return False

    async def _handle(
        self,
        update: dict[str, Any],
        api: BotAPI,
        settings: TelegramSettings,
        gate: limits.Gate,
        guard: Guard,
    ) -> None:
        output = TelegramOutput(api)
        if query := update.get("callback_query"):
            await self._answer_callback(api, query)
            chat = (query.get("message") or {}).get("chat") or query.get("from") or {}
            text = query.get("data")
            person = query.get("from")
        elif edited := update.get("edited_message"):
            await self._say(output, edited, "edited")
            return
        elif message := update.get("message"):
            chat = message.get("chat") or {}
            text = message.get("text")
            if text is None:
                await self._say(output, message, "unsupported")
                return
            text = command_text(text, settings.bot_name)
            person = message.get("from")
        else:
            return  # other update kinds (channel posts, member changes) are not for the bot
        if "id" not in chat or not text:
            return
        sender, text = str(chat["id"]), str(text)
        if refusal := gate.check(sender, text):
            await self._tell(output, chat, refusal.text)
            return
        await guard(
            UserMessage(
                limits.readable(text),
                output,
                sender,
                input_channel=self.name(),
                metadata=person_metadata(person),
            )
        )

    async def _answer_callback(self, api: BotAPI, query: Mapping[str, Any]) -> None:
        try:
            await api.call("answerCallbackQuery", callback_query_id=query.get("id"))
        except BotAPIError as error:
            logger.warning("Callback query not answered (%s)", error)

    async def _say(self, output: TelegramOutput, message: Mapping[str, Any], key: str) -> None:
        await self._tell(output, message.get("chat") or {}, channel_texts()[key])

    async def _tell(self, output: TelegramOutput, chat: Mapping[str, Any], text: str) -> None:
        if "id" in chat:
            try:
                await output.send_text_message(str(chat["id"]), text)
            except BotAPIError as error:
                logger.warning("Telegram reply not sent (%s)", error)


def person_metadata(person: Any) -> dict[str, str] | None:
    """What the conversation's session start reads from the sender: their Telegram
    language, an IETF tag ("en", "en-GB", "pt-br"), whose country, when it has one, picks
    the emergency number (actions/settings.py: `emergency_number`)."""
    code = person.get("language_code") if isinstance(person, dict) else None
    return {"language_code": code} if isinstance(code, str) and code else None


def command_text(text: str, bot_name: str | None) -> str:
    """/start, /restart and /help (also as /help@bot_name) become the assistant's intents;
    `/start REF`, a clinic's deep link (t.me/<bot>?start=REF), starts that intake."""
    word, _, rest = text.strip().partition(" ")
    command, _, addressee = word.partition("@")
    if addressee and bot_name and addressee.lower() != bot_name.lower():
        return text
    if command.lower() == "/start" and rest.strip():
        return "/start_intake" + json.dumps({"appointment_ref": rest.strip()})
    return COMMANDS.get(command.lower(), text) if command.startswith("/") else text
