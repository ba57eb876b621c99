/* KnotBot's chat widget: one script tag on a clinic's page.
 *
 *   <script src="https://knotbot.example/widget.js" defer
 *     data-server="https://rasa.example"     Rasa server with the socket.io channel
 *     data-title="KnotBot"                   the chat's heading
 *     data-color="#0b57a4"                   the clinic's colour (text colour follows)
 *     data-locale="en-GB"                    picks the emergency number (999 here)
 *     data-booking-url="https://…/book"      "book a licensed massage therapist"
 *     data-open="true"></script>             open the chat when the page loads
 *
 * A clinic's intake link is the page with `?intake=REF` (or `data-intake="REF"`): the chat
 * opens and starts the pre-appointment intake for that appointment.
 *
 * This loader is a classic script, so it can read its own tag; the widget itself is a set
 * of ES modules beside it (no build step).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var base = new URL("./", script.src).href;
  var data = script.dataset;
  var config = {
    base: base,
    server: data.server || new URL(base).origin,
    title: data.title || "KnotBot",
    color: data.color || "#0b57a4",
    locale: data.locale || document.documentElement.lang || navigator.language || "en-US",
    bookingUrl: data.bookingUrl || "",
    intake: data.intake || new URLSearchParams(window.location.search).get("intake") || "",
  };
  config.open = data.open === "true" || Boolean(config.intake);
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "widget/widget.css";
  document.head.appendChild(css);
  import(base + "widget/main.js")
    .then(function (widget) { widget.mount(config); })
    .catch(function (error) { console.error("KnotBot: the chat could not load", error); });
})();
