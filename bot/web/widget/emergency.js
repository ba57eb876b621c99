// The emergency number for the page's locale, from the same table the bot uses
// (data/emergency_numbers.yml, served by the web app).
export async function emergencyNumber(base, locale) {
  const reply = await fetch(base + "widget/emergency-numbers.json");
  const numbers = await reply.json();
  const subtags = String(locale || "").replace(/_/g, "-").split("-").slice(1);
  const country = subtags.find((tag) => /^[A-Za-z]{2}$/.test(tag));
  return (country && numbers.countries[country.toUpperCase()]) || numbers.default;
}
