// The chat: a launcher, a panel with the always-visible disclaimer, the conversation and
// the message box. It talks to Rasa's socket.io channel (bot/server/channels/socketio.py) and
// keeps the session id and what was said in sessionStorage, so a reload carries on and
// closing the tab forgets it (health information stays off the shared computer's disk).
import { io } from "./vendor/socket.io.esm.min.js";
import { element, formatText, textColourOn } from "./dom.js";
import { firstEmergencyNumber } from "./emergency.js";
import { MapQuestion } from "./bodymap.js";
import { muscleFigure, resultCard } from "./result.js";

const SESSION_KEY = "knotbot:session";
const HISTORY_KEY = "knotbot:history:";
const OPEN_KEY = "knotbot:open";
const INTAKE_KEY = "knotbot:intake";
const MAX_MESSAGE = 2000;
const QUIET_AFTER_REPLY_MS = 800;
const NO_REPLY_MS = 30000;

export function mount(config) {
  const chat = new Chat(config);
  chat.start();
  return chat;
}

class Chat {
  constructor(config) {
    this.config = config;
    this.sessionId = sessionStorage.getItem(SESSION_KEY) || newSessionId();
    if (config.intake && sessionStorage.getItem(INTAKE_KEY) !== config.intake) {
      // another appointment's link: its intake is a conversation of its own
      this.sessionId = newSessionId();
      sessionStorage.setItem(INTAKE_KEY, config.intake);
    }
    sessionStorage.setItem(SESSION_KEY, this.sessionId);
    this.history = JSON.parse(sessionStorage.getItem(HISTORY_KEY + this.sessionId) || "[]");
    this.pending = []; // answer widgets still waiting for the person
    this.build();
  }

  build() {
    const { config } = this;
    this.root = element("div", { class: "kb-root" });
    this.root.style.setProperty("--kb-color", config.color);
    this.root.style.setProperty("--kb-on-color", textColourOn(config.color));

    this.launcher = element("button", {
      class: "kb-launcher", type: "button", "aria-expanded": "false", "aria-controls": "kb-panel",
    }, "Ask " + config.title + " about a sore muscle");
    this.launcher.addEventListener("click", () => this.open());

    this.title = element("h2", { id: "kb-title" }, config.title);
    const close = element("button", { class: "kb-close", type: "button", "aria-label": "Close the chat" }, "×");
    close.addEventListener("click", () => this.close());

    this.callLink = element("a", { class: "kb-tel" }, "your emergency number");
    firstEmergencyNumber(config.base, config.locale).then((number) => {
      if (!this.numberFromBot) this.setEmergencyNumber(number);
    }).catch(() => {}); // "your emergency number" until the bot tells it
    const disclaimer = element("p", { class: "kb-disclaimer", id: "kb-disclaimer" },
      "Information, not a diagnosis. Not for emergencies: call ", this.callLink, ".");

    this.log = element("div", {
      class: "kb-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0",
    });
    this.typing = element("div", { class: "kb-typing", hidden: "" },
      element("span", { class: "kb-dots", "aria-hidden": "true" }, element("span"), element("span"), element("span")),
      element("span", { class: "kb-sr" }, config.title + " is typing"));
    this.status = element("p", { class: "kb-status", role: "status" });

    this.input = element("input", {
      id: "kb-input", type: "text", autocomplete: "off", maxlength: String(MAX_MESSAGE),
      placeholder: "Type your message", "aria-describedby": "kb-disclaimer",
    });
    const send = element("button", { type: "submit", class: "kb-send" }, "Send");
    const form = element("form", { class: "kb-form" },
      element("label", { for: "kb-input", class: "kb-sr" }, "Your message"), this.input, send);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.send(text.slice(0, MAX_MESSAGE), text.slice(0, MAX_MESSAGE));
    });

    this.panel = element("section", {
      class: "kb-panel", id: "kb-panel", "aria-labelledby": "kb-title", hidden: "",
    },
      element("div", { class: "kb-header" }, this.title, close),
      disclaimer, this.log, this.typing, this.status, form);
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.close();
    });
    this.root.append(this.launcher, this.panel);
    document.body.append(this.root);
  }

  start() {
    for (const entry of this.history) this.render(entry, false);
    this.socket = io(this.config.server, { path: "/socket.io" });
    this.socket.on("connect", () => {
      this.status.textContent = "";
      this.socket.emit("session_request", { session_id: this.sessionId });
    });
    this.socket.on("session_confirm", () => {
      if (!this.history.length && !this.greeted) {
        this.greeted = true;
        const intake = this.config.intake;
        this.emit(intake ? "/start_intake" + JSON.stringify({ appointment_ref: intake }) : "/greet");
      }
    });
    this.socket.on("bot_uttered", (message) => this.receive(message));
    this.socket.on("bot_turn_done", () => this.hideTyping());
    this.socket.on("session_error", () => this.socket.emit("session_request", { session_id: this.sessionId }));
    this.socket.on("connect_error", () => {
      this.status.textContent = "Connecting to " + this.config.title + "…";
    });
    this.socket.on("disconnect", () => {
      this.status.textContent = "Connection lost. Reconnecting…";
    });
    if (this.config.open || sessionStorage.getItem(OPEN_KEY) === "true") this.open(false);
  }

  open(focus = true) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    sessionStorage.setItem(OPEN_KEY, "true");
    this.scrollToEnd();
    if (focus) this.input.focus();
  }

  close() {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    sessionStorage.setItem(OPEN_KEY, "false");
    this.launcher.focus();
  }

  // What the person says: `text` goes to the bot, `shown` into the conversation.
  send(text, shown) {
    this.anchor = null;
    this.remember({ from: "user", text: shown });
    this.render({ from: "user", text: shown }, true);
    this.emit(text);
  }

  emit(text) {
    this.socket.emit("user_uttered", {
      message: text, session_id: this.sessionId, metadata: { locale: this.config.locale },
    });
    this.showTyping();
  }

  receive(message) {
    const entry = { from: "bot", message };
    this.remember(entry);
    this.render(entry, true);
    this.showTyping(QUIET_AFTER_REPLY_MS);
  }

  remember(entry) {
    this.history.push(entry);
    try {
      sessionStorage.setItem(HISTORY_KEY + this.sessionId, JSON.stringify(this.history));
    } catch {
      // storage full: the conversation goes on, a reload starts from what was kept
    }
  }

  render(entry, live) {
    if (entry.from === "user") {
      for (const widget of this.pending) widget.disable();
      this.pending = [];
      this.append(element("div", { class: "kb-msg kb-user" },
        element("span", { class: "kb-sr" }, "You: "), entry.text));
      return;
    }
    const message = entry.message || {};
    if (message.text) {
      this.append(element("div", { class: "kb-msg kb-bot" },
        element("span", { class: "kb-sr" }, this.config.title + ": "), formatText(message.text)));
    }
    const buttons = message.quick_replies || message.buttons;
    if (buttons && buttons.length) this.addReplies(buttons);
    const attachment = message.attachment;
    if (attachment && attachment.type === "image" && attachment.payload) {
      this.append(element("img", { class: "kb-image", src: attachment.payload.src, alt: "Picture from " + this.config.title }));
    }
    if (message.custom) this.renderCustom(message.custom, live);
  }

  renderCustom(custom, live) {
    if (custom.knotbot === "body_map") {
      const question = new MapQuestion(this.config.base, (payload, shown) => {
        this.send(payload, shown);
        this.input.focus(); // the map's own Send button is now disabled
      });
      this.pending.push(question);
      this.append(question.element);
      question.load().then(() => this.scrollToEnd());
    } else if (custom.knotbot === "conversation") {
      // the session start: the conversation's one emergency number (actions/session.py)
      if (custom.emergency_number) this.setEmergencyNumber(custom.emergency_number, true);
    } else if (custom.knotbot === "muscle") {
      this.append(muscleFigure(custom, this.config));
    } else if (custom.knotbot === "result") {
      if (custom.emergency_number) this.setEmergencyNumber(custom.emergency_number, true);
      const card = resultCard(custom, this.config);
      this.append(card);
      // the card is the answer: keep it in view while the notes after it arrive
      if (live) this.anchor = card;
      if (live && custom.level === "emergency") card.querySelector("a").focus();
    }
  }

  addReplies(buttons) {
    const group = element("div", { class: "kb-replies", role: "group", "aria-label": "Answers you can choose" });
    const widget = {
      disable: () => group.querySelectorAll("button").forEach((b) => { b.disabled = true; }),
    };
    for (const button of buttons) {
      const title = button.title || button.payload;
      const choice = element("button", { type: "button", class: "kb-reply" }, title);
      choice.addEventListener("click", () => {
        choice.classList.add("kb-chosen");
        choice.setAttribute("aria-pressed", "true");
        this.send(button.payload || title, title);
        this.input.focus();
      });
      group.append(choice);
    }
    this.pending.push(widget);
    this.append(group);
  }

  append(node) {
    this.log.append(node);
    this.scrollToEnd();
  }

  scrollToEnd() {
    this.log.scrollTop = this.anchor ? this.anchor.offsetTop - 8 : this.log.scrollHeight;
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  showTyping(hideAfter = NO_REPLY_MS) {
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => {
      this.typing.hidden = true;
      if (hideAfter === NO_REPLY_MS) {
        this.status.textContent = this.config.title + " is not answering. Please try again in a moment.";
      }
    }, hideAfter);
  }

  // `fromBot`: the conversation's own number, which the first paint's can no longer replace
  setEmergencyNumber(number, fromBot = false) {
    if (fromBot) this.numberFromBot = true;
    this.callLink.href = "tel:" + number;
    this.callLink.textContent = number;
  }
}

function newSessionId() {
  return crypto.randomUUID ? crypto.randomUUID().replace(/-/g, "") : String(Date.now()) + Math.random().toString(16).slice(2);
}
