#!/usr/bin/env python3
# A copy of the team's scripted patient (fixed spec), word for word but for this line: tools/patient_sim.py of the team's shared folder; its shared/spec/contract.md is docs/contract.md here. Kept as written (pyproject.toml's ruff settings say why), tests/test_self_contained.py compares the two.
"""Acceptance evaluation of the knotbot assistant through its public REST + tracker API.

A scripted patient answers the bot's questions by reading them, the way a person would,
from the facts of a vignette. Nothing here depends on the bot's intent or action names:
only on the contract in shared/spec/contract.md (REST webhook, tracker slots).

usage: patient_sim.py vignettes FILE [--url U] [--token T] [--buttons P] [--json OUT]
       patient_sim.py utterances FILE ...
       patient_sim.py faq FILE ...
Prints one line per case and a summary; exits 0 always.
"""
import argparse, json, random, re, sys, time, urllib.request, urllib.error, uuid

import yaml

LEVELS = ["emergency", "urgent", "doctor", "therapist", "self_care"]  # most urgent first

MUSCLE_ALIASES = {
    "scm": "sternocleidomastoid", "trapezius_upper": "upper_trapezius", "upper_traps": "upper_trapezius",
    "trapezius": "upper_trapezius", "suboccipital": "suboccipitals", "suboccipital_muscles": "suboccipitals",
    "scalene": "scalenes", "scalene_muscles": "scalenes", "rhomboid": "rhomboids",
    "rhomboid_major": "rhomboids", "rhomboid_minor": "rhomboids", "ql": "quadratus_lumborum",
    "gastrocnemius_soleus": "gastrocnemius", "multifidus": "multifidi", "trapezius_middle": "middle_trapezius",
    "trapezius_lower": "lower_trapezius", "ecrl": "extensor_carpi_radialis_longus", "psoas": "iliopsoas",
    "iliacus": "iliopsoas", "psoas_major": "iliopsoas", "tfl": "tensor_fasciae_latae",
    "tensor_fascia_latae": "tensor_fasciae_latae", "triceps": "triceps_brachii", "biceps": "biceps_brachii",
    "deltoid_anterior": "anterior_deltoid", "deltoid": "anterior_deltoid", "pectoralis": "pectoralis_major",
    "pecs": "pectoralis_major", "splenius": "splenius_capitis", "semispinalis": "semispinalis_capitis",
    "lateral_pterygoid_muscle": "lateral_pterygoid", "iliocostalis": "iliocostalis_lumborum",
    "hamstrings": "biceps_femoris", "finger_extensors": "extensor_digitorum",
}


def norm_muscle(m):
    m = re.sub(r"[^a-z0-9]+", "_", str(m).lower()).strip("_")
    for side in ("left_", "right_"):
        if m.startswith(side):
            m = m[len(side):]
    return MUSCLE_ALIASES.get(m, m)


class Bot:
    def __init__(self, url, token=None, timeout=30):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def _q(self):
        return f"?token={self.token}" if self.token else ""

    def send(self, sender, text):
        req = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook",
            data=json.dumps({"sender": sender, "message": text}).encode(),
            headers={"Content-Type": "application/json"})
        t = time.perf_counter()
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            out = json.loads(r.read() or b"[]")
        return out, time.perf_counter() - t

    def slots(self, sender):
        with urllib.request.urlopen(f"{self.url}/conversations/{sender}/tracker{self._q()}",
                                    timeout=self.timeout) as r:
            return json.loads(r.read()).get("slots", {})


def has(text, *words):
    """True when any word occurs in text starting at a word boundary ("pee" is not in "speed")."""
    return any(re.search(r"(?<![a-z0-9])" + re.escape(w), text) for w in words)


# Ordered question classifier. Each flag rule: (flag, keywords). Stroke/heart/thunderclap
# context is checked first so that "sudden numbness on one side" is not read as plain numbness.
CONTEXT_RULES = [
    ("stroke", ("droop", "one side of your", "one side of the body", "slurred", "trouble speaking",
                "speech", "face")),
    ("thunderclap", ("sudden and severe", "worst headache", "thunderclap", "worst ever", "came on suddenly",
                     "within a minute", "within minutes", "sudden, severe")),
    ("cauda_equina", ("bladder", "bowel", "saddle", "toilet", "pee", "incontinen", "between your legs",
                      "both legs")),
    ("meningitis", ("stiff neck", "rash", "light hurt", "bright light", "sensitive to light",
                    "light sensitivity", "chin to your chest", "bend your neck")),
    ("pe", ("short of breath", "shortness of breath", "breathless", "breathing", "catch your breath",
            "breathe")),
    ("cardiac", ("sweat", "clammy", "nause", "sick to your stomach", "faint", "light-headed",
                 "lightheaded", "dizzy", "exertion", "exercise and ease", "eases with rest",
                 "when you rest", "climbing stairs", "chest pain", "pressure in your chest",
                 "chest tight", "tightness in your chest", "crushing")),
    ("major_trauma", ("fall from", "fell from", "high-speed", "car crash", "crash", "heavy blow",
                      "major accident", "serious accident", "trauma", "fallen", "a fall", "accident")),
    ("fracture", ("bear weight", "put weight", "walk on", "stand on", "deform", "bruis", "can't use", "cannot use",
                  "unable to use", "out of shape")),
    ("dvt", ("swollen", "swelling", "red", "warm", "tender to touch", "long flight", "hot to")),
    ("fever", ("fever", "temperature", "chills", "feverish")),
    ("gca", ("scalp", "chewing", "vision", "eyesight", "blurred", "double vision")),
    ("progressive_weakness", ("weak", "dropping", "drop things", "catching", "losing strength",
                              "lost strength")),
    ("cancer", ("cancer", "tumour", "tumor")),
    ("weight_loss", ("weight loss", "lost weight", "losing weight")),
    ("night_pain", ("at night", "night pain", "at rest", "while resting", "wakes you")),
    ("hot_joint", ("hot joint", "swollen joint", "joint hot", "joint swollen")),
    ("numbness", ("numb", "tingl", "pins and needles", "pins-and-needles")),
]

EXCLUSIVE = {"stroke", "thunderclap", "cauda_equina", "meningitis"}

# Which vignette flags count as "present" for each question topic.
TOPIC_FLAGS = {
    "stroke": {"stroke"}, "thunderclap": {"thunderclap"}, "cauda_equina": {"cauda_equina"},
    "meningitis": {"meningitis", "fever_stiff_neck"}, "pe": {"pe", "breathless"},
    "cardiac": {"cardiac", "breathless", "sweating", "nausea", "exertional"},
    "major_trauma": {"major_trauma"}, "fracture": {"fracture"}, "dvt": {"dvt"},
    "fever": {"fever", "meningitis"}, "gca": {"gca"},
    "progressive_weakness": {"progressive_weakness", "stroke"}, "cancer": {"cancer"},
    "weight_loss": {"weight_loss"}, "night_pain": {"night_pain"}, "hot_joint": {"hot_joint"},
    "numbness": {"numbness"},
}


def classify(question):
    q = question.lower()
    if has(q, "how old", "your age", "what age", "age are you"):
        return ("age",)
    if has(q, "how long", "when did", "since when", "how many days", "how many weeks", "when it started",
           "when did it start", "started hurting"):
        return ("duration",)
    if has(q, "0 to 10", "0-10", "0 and 10", "1 to 10", "1-10", "scale", "how bad", "how severe",
           "how strong", "how intense", "intensity", "rate the pain", "rate your pain", "how much does it hurt"):
        return ("intensity",)
    if has(q, "left or right", "which side", "what side", "left, right", "one side or both"):
        return ("side",)
    if has(q, "where", "which part", "what part", "which area", "what area", "location", "body map",
           "point to", "show me"):
        return ("region",)
    if has(q, "cause", "what were you doing", "brought it on", "bring it on", "what might have", "how did it start",
           "how did this start", "why do you think", "what do you think", "started it", "triggered",
           "posture, overuse"):
        return ("cause",)
    if has(q, "consent", "do you agree", "are you happy for", "okay to store", "ok to store", "agree to"):
        return ("consent",)
    if has(q, "would you like", "do you want", "shall i", "should i show", "can i show", "want me to",
           "want to hear", "interested in"):
        return ("offer",)
    topics = []
    for topic, words in CONTEXT_RULES:
        if has(q, *words):
            topics.append(topic)
            if topic in EXCLUSIVE:
                return ("flags", [topic])  # "numbness on one side of the face" is about a stroke alone
    if topics:
        return ("flags", topics)
    return ("unknown",)


def bot_question(messages):
    """The text of the bot's last question (or last message) and its buttons."""
    texts = [m.get("text") or "" for m in messages if m.get("text")]
    buttons = [b for m in messages for b in (m.get("buttons") or [])]
    qs = [t for t in texts if "?" in t]
    return (qs[-1] if qs else (texts[-1] if texts else "")), buttons, " ".join(texts)


class Patient:
    def __init__(self, v, rng, use_buttons):
        self.v, self.rng, self.use_buttons = v, rng, use_buttons
        self.say = v.get("say", {})
        self.flags = v.get("flags", {}) or {}
        self.last_question = ""

    def pick_button(self, buttons, answer):
        if not buttons or self.rng.random() >= self.use_buttons:
            return None
        a = answer.lower()
        for b in buttons:
            title = (b.get("title") or "").lower()
            if title and (title in a or (title in ("yes", "no") and a.startswith(title))):
                return b.get("payload") or b.get("title")
        return None

    def answer(self, kind, topics=()):
        v, say = self.v, self.say
        if kind == "region":
            return say.get("region", v.get("region_text", "it's where I said"))
        if kind == "side":
            return say.get("side", {"left": "the left side", "right": "the right side", "both": "both sides",
                                    None: "in the middle, not really one side"}[v.get("side")])
        if kind == "cause":
            return say.get("cause", "I'm not sure what caused it")
        if kind == "duration":
            return say.get("duration", f"about {v['days']} days")
        if kind == "intensity":
            return say.get("intensity", f"about {v['intensity']} out of 10")
        if kind == "age":
            return str(v.get("age", 35))
        if kind == "offer":
            return "yes please"
        if kind == "consent":
            return "yes, I agree"
        if kind == "flags":
            present = []
            q = self.last_question.lower()
            severe = has(q, "serious", "high-speed", "high speed", "height", "severe", "major", "significant")
            if "major_trauma" in topics and "minor_trauma" in self.flags and "major_trauma" not in self.flags:
                # a person answers a plain "after an accident?" truthfully, and "a serious one?" with no
                present.append("no, it wasn't serious: " + self.flags["minor_trauma"] if severe
                               else "yes, " + self.flags["minor_trauma"])
            for t in topics:
                for f in TOPIC_FLAGS.get(t, {t}):
                    if f in self.flags and self.flags[f] not in present:
                        present.append(self.flags[f])
            if has(q, "can you", "are you able", "able to", "can it", "could you"):
                # "Can you put weight on it?" asks for the opposite of a red flag
                return ("no: " + "; ".join(present)) if present else "yes, I can"
            if present:
                if len(present) == 1 and present[0].startswith(("yes, ", "no, ")):
                    return present[0]
                return "yes, " + "; ".join(p[5:] if p.startswith("yes, ") else p for p in present)
            return "no"
        return "I'm not sure"


def run_vignette(bot, v, use_buttons=0.3, max_turns=25, seed=0):
    rng = random.Random(f"{seed}-{v['id']}")
    p = Patient(v, rng, use_buttons)
    sender = f"eval-{v['id']}-{uuid.uuid4().hex[:8]}"
    transcript, latencies = [], []
    text = v["open"]
    slots, turns, unknown_streak, error = {}, 0, 0, None
    all_bot_text = ""
    last_q = None
    repeat = 0
    try:
        while turns < max_turns:
            msgs, dt = bot.send(sender, text)
            turns += 1
            latencies.append(dt)
            transcript.append(("user", text))
            for m in msgs:
                transcript.append(("bot", m.get("text") or json.dumps({k: m[k] for k in m if k != "recipient_id"})))
            q, buttons, joined = bot_question(msgs)
            all_bot_text += " " + joined
            slots = bot.slots(sender)
            level = slots.get("triage_level")
            if level and (level in ("emergency", "urgent") or slots.get("trigger_points") or level == "doctor"):
                break
            if not msgs:
                text = "hello?"
                continue
            kind = classify(q)
            if q == last_q:
                repeat += 1
                if repeat >= 3:
                    error = "stuck: the same question three times"
                    break
            else:
                repeat = 0
            last_q = q
            p.last_question = q
            ans = p.answer(*kind)
            if kind[0] == "unknown":
                unknown_streak += 1
                if unknown_streak >= 4:
                    error = f"lost: {q[:80]!r}"
                    break
            else:
                unknown_streak = 0
            text = p.pick_button(buttons, ans) or ans
        else:
            error = "no decision within %d turns" % max_turns
    except urllib.error.HTTPError as e:
        error = f"HTTP {e.code}"
    except Exception as e:  # connection refused, timeout, bad JSON
        error = f"{type(e).__name__}: {e}"
    return dict(id=v["id"], sender=sender, slots=slots, turns=turns, latencies=latencies,
                error=error, transcript=transcript, bot_text=all_bot_text)


def score_vignette(v, r):
    s = r["slots"] or {}
    got = s.get("triage_level")
    want = v["level"]
    safe_min = v.get("safe_min", want)
    res = dict(id=v["id"], want=want, got=got, turns=r["turns"], error=r["error"])
    res["exact"] = got == want
    res["safe"] = got in LEVELS and LEVELS.index(got) <= LEVELS.index(safe_min)
    res["under"] = got in LEVELS and LEVELS.index(got) > LEVELS.index(safe_min)
    regions = s.get("pain_regions") or []
    if isinstance(regions, str):
        regions = [regions]
    res["region_ok"] = bool(set(regions) & set(v.get("regions", [])))
    cause = s.get("pain_cause")
    res["cause_ok"] = (cause in v.get("cause", [])) if v.get("cause") else None
    if v.get("muscles") and want not in ("emergency", "urgent"):
        tps = [norm_muscle(m) for m in (s.get("trigger_points") or [])][:3]
        res["tp_ok"] = bool(set(tps) & {norm_muscle(m) for m in v["muscles"]})
        res["tps"] = tps
    else:
        res["tp_ok"] = None
    if want == "emergency":
        t = r["bot_text"].lower()
        res["says_call"] = has(t, "911", "112", "999", "emergency", "ambulance")
    return res


def cmd_vignettes(args, bot):
    cases = yaml.safe_load(open(args.file))
    results = []
    for v in cases:
        r = run_vignette(bot, v, use_buttons=args.buttons, seed=args.seed)
        sc = score_vignette(v, r)
        sc["latencies"] = r["latencies"]
        results.append((sc, r))
        mark = "ok " if sc["exact"] else ("UNDER" if sc["under"] else "off")
        print(f"{mark:5} {v['id']:5} want={sc['want']:9} got={str(sc['got']):9} turns={sc['turns']:2} "
              f"region={'y' if sc['region_ok'] else 'n'} cause={sc['cause_ok']} tp={sc['tp_ok']} "
              f"{sc.get('tps', '')} {sc['error'] or ''}")
        if args.verbose and not (sc["exact"] and sc["region_ok"] and sc["tp_ok"] in (True, None)):
            for who, t in r["transcript"]:
                print(f"        {who}: {t[:160]}")
    scs = [s for s, _ in results]
    n = len(scs)
    emerg = [s for s in scs if s["want"] == "emergency"]
    tp = [s for s in scs if s["tp_ok"] is not None]
    cause = [s for s in scs if s["cause_ok"] is not None]
    decided = [s for s in scs if s["got"] in LEVELS]
    turns = sorted(s["turns"] for s in decided) or [0]
    lat = sorted(x for s in scs for x in s["latencies"]) or [0]
    summary = dict(
        cases=n, triage_exact=sum(s["exact"] for s in scs) / n, safe=sum(s["safe"] for s in scs) / n,
        under_triage=sum(s["under"] for s in scs), emergency_caught=sum(s["got"] == "emergency" for s in emerg),
        emergencies=len(emerg), emergency_says_call=sum(bool(s.get("says_call")) for s in emerg),
        region=sum(s["region_ok"] for s in scs) / n,
        cause=(sum(s["cause_ok"] for s in cause) / len(cause)) if cause else None,
        trigger_top3=(sum(s["tp_ok"] for s in tp) / len(tp)) if tp else None,
        errors=sum(bool(s["error"]) for s in scs), median_turns=turns[len(turns) // 2],
        p95_turn_ms=round(1000 * lat[int(0.95 * (len(lat) - 1))], 1))
    print("SUMMARY " + json.dumps(summary))
    if args.json:
        json.dump(dict(summary=summary, cases=[dict(s, transcript=r["transcript"]) for s, r in results]),
                  open(args.json, "w"), indent=1)


def cmd_utterances(args, bot):
    cases = yaml.safe_load(open(args.file))
    n_reg = n_cause = ok_reg = ok_cause = ok_side = n_side = 0
    for i, c in enumerate(cases):
        sender = f"eval-u{i}-{uuid.uuid4().hex[:8]}"
        try:
            bot.send(sender, c["text"])
            s = bot.slots(sender)
        except Exception as e:
            print(f"ERR   {c['text']!r}: {e}")
            s = {}
        regions = s.get("pain_regions") or []
        if isinstance(regions, str):
            regions = [regions]
        rok = None
        if c.get("regions"):
            n_reg += 1
            want = set(c["regions"])
            rok = bool(set(regions) & want) if not c.get("all") else want <= set(regions)
            ok_reg += rok
        cok = None
        if c.get("cause"):
            n_cause += 1
            cok = s.get("pain_cause") in c["cause"]
            ok_cause += cok
        if c.get("side"):
            n_side += 1
            ok_side += s.get("pain_side") == c["side"]
        bad = rok is False or cok is False
        print(f"{'off' if bad else 'ok ':4} {c['text'][:70]!r:74} regions={regions} cause={s.get('pain_cause')}")
    print("SUMMARY " + json.dumps(dict(cases=len(cases), region=ok_reg / max(n_reg, 1),
                                       cause=ok_cause / max(n_cause, 1), side=ok_side / max(n_side, 1))))


def cmd_faq(args, bot):
    cases = yaml.safe_load(open(args.file))
    ok = 0
    for i, c in enumerate(cases):
        sender = f"eval-f{i}-{uuid.uuid4().hex[:8]}"
        try:
            msgs, _ = bot.send(sender, c["ask"])
            text = " ".join(m.get("text") or "" for m in msgs).lower()
        except Exception as e:
            text = f"ERROR {e}"
        good = all(any(w in text for w in group) for group in c["expect"])
        ok += good
        print(f"{'ok ' if good else 'off':4} {c['ask'][:60]!r:64} -> {text[:120]!r}")
    print("SUMMARY " + json.dumps(dict(cases=len(cases), faq=ok / len(cases))))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["vignettes", "utterances", "faq"])
    ap.add_argument("file")
    ap.add_argument("--url", default="http://127.0.0.1:5005")
    ap.add_argument("--token")
    ap.add_argument("--buttons", type=float, default=0.3, help="share of answers given by clicking a button")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    bot = Bot(args.url, args.token)
    {"vignettes": cmd_vignettes, "utterances": cmd_utterances, "faq": cmd_faq}[args.what](args, bot)


if __name__ == "__main__":
    main()
