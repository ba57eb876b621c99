"""How people say where it hurts, on which side and why, read by the lexicon pipeline
(data/lexicon, bot/server/nlu/lexicon.py) and, for the slots, by the interview's reader
(actions/triage/reply.py). Probes in many styles: gym words, anatomy, slang, typos, idioms."""

from __future__ import annotations

from datetime import date

import pytest

from actions.triage.case import Case
from actions.triage.message import Message
from actions.triage.reply import read_message
from actions.triage.slots import Interview
from bot.server.nlu import lexicon
from tests.unit.conftest import found

TODAY = date(2026, 11, 24)
PLACE_KINDS = {"body_region", "vague_region"}


def places(nlp, text: str) -> set[tuple[str, str]]:
    return {(kind, value) for kind, value in found(nlp, text) if kind in PLACE_KINDS}


def slots(nlp, text: str) -> dict:
    message = Message(
        text=text,
        intent="inform",
        entities=tuple(lexicon.entities(nlp, text)),
        confidence=0.95,
    )
    return read_message(message, None, Interview(case=Case()), today=TODAY).slots


R, V = "body_region", "vague_region"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # gym words
        ("my traps are killing me", (R, "shoulder_top")),
        ("upper traps are tight", (R, "shoulder_top")),
        ("sore lats after pull ups", (R, "mid_back")),
        ("knot in my rhomboids", (R, "upper_back")),
        ("glutes are on fire", (R, "buttock")),
        ("glute med is tight", (R, "hip_side")),
        ("my quads ache", (R, "thigh_front")),
        ("hammies are tight", (R, "thigh_back")),
        ("sore hamstrings", (R, "thigh_back")),
        ("pecs sore after bench", (R, "chest")),
        ("delts are fried", (R, "shoulder_front")),
        ("rear delts ache after rows", (R, "shoulder_back")),
        ("front delt hurts when I press", (R, "shoulder_front")),
        ("biceps sore", (R, "upper_arm")),
        ("my triceps ache", (R, "upper_arm")),
        ("forearms are pumped from climbing", (R, "forearm")),
        ("calves are tight", (R, "calf")),
        ("shins hurt when I run", (R, "shin")),
        ("my achilles is tight", (R, "ankle")),
        ("my QL is killing me", (R, "low_back")),
        ("tight piriformis on the right", (R, "buttock")),
        ("IT band is tight", (R, "thigh_outer")),
        ("my IT-band rubs", (R, "thigh_outer")),
        # anatomy and conditions named as places
        ("SI joint pain", (R, "sacrum")),
        ("sacroiliac pain", (R, "sacrum")),
        ("my tailbone hurts when I sit", (R, "sacrum")),
        ("coccyx pain", (R, "sacrum")),
        ("TMJ pain from clenching", (R, "jaw")),
        ("extensor carpi radialis is sore", (R, "forearm")),
        ("my sit bones ache on the bike", (R, "buttock")),
        # lay and regional words
        ("my bum hurts", (R, "buttock")),
        ("pain in my butt cheek", (R, "buttock")),
        ("my arse is sore", (R, "buttock")),
        ("ass is sore from cycling", (R, "buttock")),
        ("tummy ache", (R, "abdomen")),
        ("my gut is sore after sit ups", (R, "abdomen")),
        # where on the body
        ("a knot under my shoulder blade", (R, "shoulder_blade")),
        ("pain between my shoulder blades", (R, "upper_back")),
        ("where my neck meets my shoulder", (R, "shoulder_top")),
        ("top of my shoulder", (R, "shoulder_top")),
        ("side of my neck", (R, "neck_side")),
        ("the base of my skull", (R, "head_back")),
        ("pain behind my knee", (R, "knee_back")),
        ("arch of my foot", (R, "sole")),
        ("ball of my foot", (R, "sole")),
        ("my heel hurts in the morning", (R, "heel")),
        ("outside of my hip", (R, "hip_side")),
        ("groin strain from football", (R, "groin")),
        ("inner thigh is sore", (R, "thigh_inner")),
        ("lower back pain", (R, "low_back")),
        ("mid back pain", (R, "mid_back")),
        ("around the bra strap", (R, "mid_back")),
        ("along my spine", (V, "back")),
        ("pain down the inside of my leg", (V, "inner_leg")),
        # misspelt
        ("bak of my hed", (R, "head_back")),
        ("frunt of sholder", (R, "shoulder_front")),
        ("my pecks are sore", (R, "chest")),
        ("hamstrng tight", (R, "thigh_back")),
        ("hamstirng pain", (R, "thigh_back")),
        ("calfs are tight", (R, "calf")),
        ("sholdr blade", (R, "shoulder_blade")),
        ("lowr back", (R, "low_back")),
        ("lowr bak pain", (R, "low_back")),
        ("uper bak pain", (R, "upper_back")),
        ("my gluts hurt", (R, "buttock")),
        ("forarm pain", (R, "forearm")),
        ("wrsit pain", (R, "wrist_hand")),
        ("nek pain", (V, "neck")),
        ("ankel sprain", (R, "ankle")),
    ],
)
def test_places_in_peoples_words(nlp, text, expected):
    assert expected in found(nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nek and sholders", {(V, "neck"), (V, "shoulder")}),
        (
            "my neck and shoulders and lower back are all tight",
            {(V, "neck"), (V, "shoulder"), (R, "low_back")},
        ),
        (
            "knots in my traps and between my shoulder blades",
            {(R, "shoulder_top"), (R, "upper_back")},
        ),
        (
            "sore glutes, hammies and calves after the 10k",
            {(R, "buttock"), (R, "thigh_back"), (R, "calf")},
        ),
        ("left hip and right knee ache", {(V, "hip"), (V, "knee")}),
        (
            "pain at the base of my skull and behind my eyes",
            {(R, "head_back"), (R, "forehead_eye")},
        ),
    ],
)
def test_several_places_in_one_message(nlp, text, expected):
    assert places(nlp, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm stiff as a board",
        "he's being cheeky",
        "back then it was fine",
        "the pain came back",
        "the pain keeps coming back",
        "I got back home late",
        "I need to get back to work",
        "I'll hand in my notice",
        "on the other hand it's better",
        "I head to work at 8",
        "I headed out for a walk",
        "my head's all over the place",
        "it cost an arm and a leg",
        "I have to foot the bill",
        "it hurts when I kneel",
        "I'll keep an eye on it",
        "fingers crossed",
        "I'm 6 feet tall",
        "after leg day",
        "I could be back at work soon",
        "off the top of my head I can't remember",
        "we sat in the back seat",
    ],
)
def test_words_that_are_no_place(nlp, text):
    assert not places(nlp, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a place word in an idiom beside a real place adds nothing
        ("it's a pain in the neck, my calf won't loosen", {(R, "calf")}),
        ("fingers crossed my calf gets better", {(R, "calf")}),
        ("keep an eye on it, my eye hurts", {(R, "forehead_eye")}),
        ("I'm 6 feet tall and my feet hurt", {(V, "foot")}),
        ("I hurt my back then iced it", {(V, "back")}),  # an owner makes it a place
        ("I get back pain when I sit", {(V, "back")}),
        ("in the back seat of the car my back hurt", {(V, "back")}),
        ("pain in my left butt cheek", {(R, "buttock")}),  # not the jaw's cheek
        ("my left cheek hurts when I chew", {(R, "jaw")}),
        ("after leg day my quads are sore", {(R, "thigh_front")}),
        ("right hand side of my back", {(V, "flank")}),  # no hand
        ("arch my back and my hip hurts", {(V, "hip")}),  # no arch of the foot
    ],
)
def test_idioms_beside_real_places(nlp, text, expected):
    assert places(nlp, text) == expected


def test_a_pain_in_the_neck_alone_is_still_the_neck(nlp):
    assert places(nlp, "it's been a real pain in the neck") == {(V, "neck")}


@pytest.mark.parametrize(
    "text",
    [
        "are you a bot?",
        "bro it hurts",
        "erm not sure",
        "tmi sorry",
        "see you tmr",
        "I went to a cafe",
        "getting swole",
        "I use a massager",
        "I was realising it's worse",
        "it's twingey",
        "the pain is refered",
    ],
)
def test_chat_words_are_not_corrected_into_the_vocabulary(nlp, text):
    kinds = {kind for kind, _ in found(nlp, text)}
    assert not kinds & {"body_region", "vague_region", "side", "finding"}, found(nlp, text)


@pytest.mark.parametrize(
    ("text", "side"),
    [
        ("L shoulder", "left"),
        ("R calf is tight", "right"),
        ("pain in my lt knee", "left"),
        ("rt hip", "right"),
        ("knee (L)", "left"),
        ("left-hand side of my neck", "left"),
        ("right hand side of my lower back", "right"),
        ("pain on my rhs", "right"),
        ("left sided neck pain", "left"),
        ("my right one", "right"),
        ("my left calf", "left"),
        ("it's on the left, in my calf", "left"),
        ("I have left knee pain", "left"),
        ("both sides of my neck", "both"),
        ("each side of my lower back", "both"),
        ("each shoulder aches", "both"),
        ("bilateral calf pain", "both"),
        ("either side of my spine", "both"),
        ("left and right calves", "both"),
        ("L/R calves", "both"),
        ("down the middle of my back", "center"),
        ("pain along the spine", "center"),
        ("centre of my chest", "center"),
        ("center of my back", "center"),
        ("middle of my back", "center"),
        ("right in the middle of my back", "center"),
        ("to the right of my spine", "right"),
        # gym plurals and plural places mean both sides
        ("my traps are tight", "both"),
        ("calves are killing me", "both"),
        ("my quads", "both"),
        ("my shoulders are tight", "both"),
        ("my knees hurt", "both"),
        ("sore feet from standing all day", "both"),
        # unless a side is named with them
        ("my left traps are tight", "left"),
        # several sides in one message: one side per conversation, left and right are both
        ("left shoulder and right hip", "both"),
        ("left shoulder and left hip", "left"),
        ("right calf and both shoulders", "both"),
        ("the middle of my back and my left hip", "left"),
    ],
)
def test_sides_in_peoples_words(nlp, text, side):
    assert slots(nlp, text).get("pain_side") == side


@pytest.mark.parametrize(
    "text",
    [
        "the middle of my calf",  # along the calf, not the body's middle
        "my middle finger is sore",
        "pain right between my shoulder blades",  # "right" only stresses it
        "right now my calf hurts",
        "it left me unable to sleep, my neck is stiff",
        "I left work early because my neck hurt",
        "I'm in the middle of a move and my calf hurts",
        "is that the right stretch for my calf?",
        "I was at the leisure centre and my calf went",
        "we both went to the gym and my calf hurts",
    ],
)
def test_words_that_are_no_side(nlp, text):
    assert "pain_side" not in slots(nlp, text), found(nlp, text)


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        # hedged: the person's best guess is kept
        ("probably from sitting at my desk", "posture"),
        ("might be from the gym", "overuse"),
        ("I think it's from lifting", "overuse"),
        ("maybe I slept funny", "posture"),
        ("could it be from my desk job?", "posture"),
        ("not sure but maybe the new pillow", "posture"),
        # negated injuries are no injury
        ("not from an injury, just desk work", "posture"),
        ("no fall, no accident, just gardening", "overuse"),
        ("posture rather than an injury", "posture"),
        ("nothing to do with the gym, I sat all day", "posture"),
        # activities
        ("after gardening all weekend", "overuse"),
        ("weeding the garden", "overuse"),
        ("digging the allotment", "overuse"),
        ("carrying my toddler around", "overuse"),
        ("I have a toddler", "overuse"),
        ("carrying my baby", "overuse"),
        ("gaming all night", "posture"),
        ("violin practice", "overuse"),
        ("guitar practice every evening", "overuse"),
        ("piano practice", "overuse"),
        ("long drives for work", "posture"),
        ("I got a new standing desk", "posture"),
        ("moving house last week", "overuse"),
        ("painting the ceiling", "overuse"),
        ("shovelling snow", "overuse"),
        ("shoveling snow this morning", "overuse"),
        ("a new mattress", "posture"),
        ("new pillow", "posture"),
        ("new shoes", "other"),
        ("new trainers", "other"),
        ("new running shoes last week", "other"),
        ("my laces were too tight", "other"),
        ("I think it's the cold", "other"),
        ("sitting in a draught", "other"),
        ("a cold draft from the window", "other"),
        ("sitting under the air con at work", "other"),
        ("a hangover", "dehydration"),
        ("not drinking enough", "dehydration"),
        ("I ran a marathon", "overuse"),
        ("half marathon on sunday", "overuse"),
        ("leg day yesterday", "overuse"),
        ("deadlifts", "overuse"),
        ("doing crossfit", "overuse"),
        ("climbing at the weekend", "overuse"),
        ("swimming", "overuse"),
        ("typing all day", "overuse"),
        ("nursing shifts", "overuse"),
        ("I'm a nurse on 12 hour shifts", "overuse"),
        ("waiting tables", "overuse"),
        ("a tattoo session", "posture"),
        ("a long flight", "posture"),
        ("after my flight", "posture"),
        ("slept funny", "posture"),
        ("shoulder pain from sleeping on it", "posture"),
        ("DOMS from yesterday", "overuse"),
        # injuries
        ("tweaked it lifting", "injury"),
        ("whiplash", "injury"),
        ("car accident", "injury"),
        ("fell off my bike", "injury"),
        ("I put my back out lifting a box", "injury"),
        ("threw my back out", "injury"),
        ("did my back in at the gym", "injury"),
        ("I cricked my neck", "injury"),
    ],
)
def test_causes_in_peoples_words(nlp, text, cause):
    assert slots(nlp, text).get("pain_cause") == cause


@pytest.mark.parametrize(
    "text",
    [
        "I didn't fall or anything",
        "no injury",
        "I didn't injure it",
        "I don't think I injured it",
        "there was no accident",
        "nothing happened, no fall",
        "I never fell",
        "didn't twist it or anything",
        "I didn't put my back out, it just aches",
    ],
)
def test_a_negated_injury_is_no_injury(nlp, text):
    assert slots(nlp, text).get("pain_cause") != "injury"


def test_a_cause_that_holds_a_place_keeps_the_place(nlp):
    kinds = found(nlp, "I put my back out lifting a box")
    assert {("cause", "injury"), (V, "back")} <= kinds


def test_a_long_flight_is_still_the_immobility_finding(nlp):
    kinds = found(nlp, "after a long flight my calf is swollen")
    assert {("finding", "long_immobility"), ("cause", "posture"), (R, "calf")} <= kinds
    assert ("cause", "posture") not in found(nlp, "no long flight recently")


def test_the_weakness_of_a_knee_that_gave_way_is_kept(nlp):
    assert ("finding", "weakness") in found(nlp, "my knee gave way on the stairs")
