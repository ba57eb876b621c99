// The emergency number for the disclaimer's first paint, before the conversation has begun:
// the web app resolves it from the page's locale with the bot's own function
// (actions/settings.py). The bot then tells the conversation's number itself (the session
// start's {"knotbot": "conversation"} message), and the widget shows that one from then on.
export async function firstEmergencyNumber(base, locale) {
  const reply = await fetch(base + "widget/emergency-number.json?" + new URLSearchParams({ locale: locale || "" }));
  if (!reply.ok) throw new Error("no emergency number: " + reply.status);
  return (await reply.json()).emergency_number;
}
