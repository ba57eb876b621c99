"""Reading one interview message into the case: places, side, cause, numbers, answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from actions.triage.case import Case
from actions.triage.interview import questions_to_ask, screening_group
from actions.triage.message import Message
from actions.triage.policy import policy
from actions.triage.reply import read_message
from actions.triage.slots import Interview

TODAY = date(2026, 11, 24)


def message(text: str, *entities: tuple[str, str], intent: str = "inform", **extra) -> Message:
    found = [{"entity": kind, "value": value} for kind, value in entities]
    return Message(text=text, intent=intent, entities=tuple(found), **extra)


def read(msg: Message, requested: str | None = None, **state):
    case = state.pop("case", Case())
    return read_message(msg, requested, Interview(case=case, **state), today=TODAY)


def test_the_opening_message_fills_everything_it_says():
    reading = read(
        message(
            "my lower back on the left has ached for three weeks since I started a warehouse job",
            ("body_region", "low_back"),
            ("side", "left"),
            ("cause", "overuse"),
        )
    )
    assert reading.slots == {
        "pain_regions": ["low_back"],
        "vague_regions": None,
        "pain_side": "left",
        "pain_cause": "overuse",
        "pain_duration_days": 21,
    }
    assert reading.responses == []


def test_a_vague_place_alone_is_kept_to_ask_which_part():
    reading = read(message("my back hurts", ("vague_region", "back")))
    assert reading.slots == {"vague_regions": ["back"]}


def test_the_answer_to_which_part_settles_the_place():
    reading = read(
        message(
            "the back of my right shoulder", ("body_region", "shoulder_back"), ("side", "right")
        ),
        "pain_regions",
        vague_regions=("shoulder", "back"),
    )
    assert reading.slots["pain_regions"] == ["shoulder_back"]
    assert reading.slots["pain_side"] == "right"


def test_still_vague_after_asking_takes_the_usual_meaning():
    reading = read(
        message("just my back", ("vague_region", "back")), "pain_regions", vague_regions=("back",)
    )
    assert reading.slots["pain_regions"] == ["low_back"]


def test_a_vague_word_beside_a_precise_place_takes_its_usual_meaning():
    reading = read(
        message(
            "neck pain and numb little finger",
            ("vague_region", "neck"),
            ("body_region", "fingers"),
            ("finding", "numbness"),
        )
    )
    assert reading.slots["pain_regions"] == ["fingers", "neck_back"]
    assert reading.slots["findings"] == ["numbness"]


def test_a_vague_word_for_the_same_place_is_dropped():
    reading = read(
        message(
            "tension headaches at the back of my head",
            ("vague_region", "head"),
            ("body_region", "head_back"),
        )
    )
    assert reading.slots["pain_regions"] == ["head_back"]


def test_a_plural_place_means_both_sides():
    msg = Message(
        text="my calves cramp",
        entities=({"entity": "body_region", "value": "calf", "role": "both_sides"},),
    )
    assert read(msg).slots["pain_side"] == "both"


def test_the_strongest_cause_wins():
    reading = read(
        message(
            "hiking in the heat and ran out of water",
            ("cause", "overuse"),
            ("cause", "dehydration"),
        )
    )
    assert reading.slots["pain_cause"] == "dehydration"


def test_a_cause_answer_we_cannot_place_is_other_and_not_sure_is_unknown():
    assert read(message("I slept on a plane"), "pain_cause").slots["pain_cause"] == "other"
    unsure = read(message("not sure", intent="dont_know"), "pain_cause")
    assert unsure.slots["pain_cause"] == "unknown"


def test_an_unreadable_number_is_said_and_not_stored():
    reading = read(message("purple"), "pain_intensity")
    assert "pain_intensity" not in reading.slots
    assert reading.responses == ["utter_did_not_understand_intensity"]


def test_a_number_answers_only_the_question_asked():
    reading = read(message("7"), "pain_intensity")
    assert reading.slots == {"pain_intensity": 7}


def test_a_screening_yes_adds_its_finding():
    case = Case(regions=("low_back",))
    reading = read(
        message("yes, I've had a temperature of 38.5", ("finding", "fever")),
        "screen_fever",
        case=case,
    )
    assert reading.slots["screen_fever"] == "yes"
    assert "fever" in reading.slots["findings"]


def test_a_reply_naming_the_symptom_is_a_yes():
    reading = read(
        message("my left calf is swollen and tender", ("finding", "swelling")),
        "screen_dvt",
        case=Case(regions=("calf",)),
    )
    assert reading.slots["screen_dvt"] == "yes"
    assert "dvt_signs" in reading.slots["findings"]


def test_an_unclear_answer_is_asked_again_once_then_counts_as_present():
    first = read(message("purple"), "screen_cauda_equina", case=Case(regions=("low_back",)))
    assert first.responses == ["utter_need_yes_or_no"]
    assert first.slots == {"unclear_questions": ["screen_cauda_equina"]}
    second = read(
        message("banana"),
        "screen_cauda_equina",
        case=Case(regions=("low_back",)),
        unclear=frozenset({"screen_cauda_equina"}),
    )
    assert second.slots["screen_cauda_equina"] == "yes"
    assert "cauda_equina_signs" in second.slots["findings"]


def test_a_question_about_the_bot_mid_interview_is_answered():
    reading = read(message("are you a bot?", intent="bot_challenge", confidence=0.95), "pain_cause")
    assert reading.responses == ["utter_iamabot"]
    assert "pain_cause" not in reading.slots


def test_a_volunteered_red_flag_is_kept_whatever_was_asked():
    reading = read(
        message("3 days, and I'm short of breath", ("finding", "breathless")),
        "pain_duration_days",
        case=Case(regions=("calf",)),
    )
    assert reading.slots["pain_duration_days"] == 3
    assert reading.slots["findings"] == ["breathless"]


def test_a_place_we_cannot_read_is_asked_again_with_more_help():
    reading = read(message("in my gizzard"), "pain_regions")
    assert reading.responses == ["utter_did_not_understand"]
    assert reading.slots == {"unclear_questions": ["pain_regions"]}


def test_the_words_of_the_cause_are_kept_for_the_ranking():
    text = "sore forearm from typing all day"
    start = text.index("typing")
    msg = Message(
        text=text,
        entities=(
            {"entity": "body_region", "value": "forearm"},
            {"entity": "cause", "value": "overuse", "start": start, "end": start + 6},
        ),
    )
    reading = read(msg)
    assert reading.slots["pain_cause"] == "overuse"
    assert reading.slots["pain_activity"] == "typing"


KNOWN = Case(regions=("calf",), side="left", cause="overuse", days=3)


@pytest.mark.parametrize(
    ("text", "entities", "expected"),
    [
        ("actually it's my right side", [("side", "right")], {"pain_side": "right"}),
        ("I meant 3 weeks", [], {"pain_duration_days": 21}),
        (
            "no, it's more my lower back",
            [("body_region", "low_back")],
            {"pain_regions": ["low_back"], "vague_regions": None},
        ),
        (
            "sorry, it was a fall, not running",
            [("cause", "injury"), ("cause", "overuse")],
            {"pain_cause": "injury"},
        ),
    ],
)
def test_a_correction_replaces_what_it_names(text, entities, expected):
    reading = read(message(text, *entities), "pain_intensity", case=KNOWN)
    assert reading.slots == expected
    assert reading.responses == []


def test_a_correction_to_a_vague_place_asks_which_part_again():
    reading = read(
        message("actually it's my back", ("vague_region", "back")), "pain_intensity", case=KNOWN
    )
    assert reading.slots == {"vague_regions": ["back"], "pain_regions": None}


def test_without_a_correction_what_is_known_stays():
    reading = read(message("my right side", ("side", "right")), "pain_intensity", case=KNOWN)
    assert "pain_side" not in reading.slots


CALF_CASE = Case(regions=("calf",), cause="overuse", days=3, intensity=4)


def test_one_no_answers_every_question_of_a_group():
    group = screening_group(CALF_CASE)
    assert len(group) > 1
    reading = read(message("no, none of those"), "screening", case=CALF_CASE)
    assert reading.slots == {q.slot: "no" for q in group}


def test_a_group_answer_naming_a_sign_says_yes_to_that_question_and_asks_the_rest_singly():
    group = screening_group(CALF_CASE)
    reading = read(
        message("yes, my calf is swollen", ("finding", "swelling")), "screening", case=CALF_CASE
    )
    assert reading.slots["screen_dvt"] == "yes"
    assert "dvt_signs" in reading.slots["findings"]
    assert set(reading.slots["ask_singly"]) == {q.code for q in group} - {"dvt"}
    assert not any(reading.slots.get(q.slot) == "no" for q in group)


def test_a_bare_yes_to_a_group_asks_each_question_by_itself():
    group = screening_group(CALF_CASE)
    reading = read(message("/affirm", intent="affirm"), "screening", case=CALF_CASE)
    assert set(reading.slots["ask_singly"]) == {q.code for q in group}
    assert reading.responses == ["utter_screening_one_at_a_time"]
    later = questions_to_ask(CALF_CASE, reading.slots["ask_singly"])
    assert later == [q.slot for q in group]


def test_an_unclear_answer_to_a_group_is_asked_singly_and_a_second_unclear_is_a_yes():
    group = screening_group(CALF_CASE)
    reading = read(message("purple"), "screening", case=CALF_CASE)
    assert set(reading.slots["unclear_questions"]) == {q.slot for q in group}
    first = group[0]
    again = read(
        message("purple"),
        first.slot,
        case=CALF_CASE,
        unclear=frozenset(reading.slots["unclear_questions"]),
        singly=frozenset(reading.slots["ask_singly"]),
    )
    assert again.slots[first.slot] == "yes"


def test_questions_that_need_full_attention_are_never_grouped():
    head = Case(regions=("head_back",), cause="posture", days=2, intensity=3)
    plan = questions_to_ask(head)
    assert plan[:2] == ["screen_stroke", "screen_thunderclap"]
    assert plan[2:] == ["screening"]
    assert {q.code for q in screening_group(head)} == {"fever", "arteritis", "numbness"}


@pytest.mark.parametrize("intent", ["faq", "stop", "human_handoff"])
def test_a_question_or_request_instead_of_an_answer_leaves_the_form_to_the_rules(intent):
    for requested in ("pain_cause", "pain_duration_days", "screen_fever", "screening"):
        msg = message("what is a trigger point?", intent=intent, confidence=0.95)
        assert read(msg, requested, case=CALF_CASE).interrupted, requested


@pytest.mark.parametrize("requested", ["screening", "screen_dvt"])
def test_a_question_with_a_negation_is_no_no_to_a_red_flag_question(requested):
    msg = message(
        "can not drinking enough water cause knots?",
        ("cause", "dehydration"),
        intent="faq",
        confidence=0.95,
    )
    reading = read(msg, requested, case=CALF_CASE)
    assert reading.interrupted
    assert not any(value == "no" for value in reading.slots.values())


def test_the_place_a_question_asks_about_does_not_join_the_painful_ones():
    msg = message(
        "how do I stretch my piriformis?",
        ("body_region", "buttock"),
        intent="ask_muscle",
        confidence=1.0,
    )
    assert read(msg, "screening", case=CALF_CASE).interrupted
    said = message("and now my buttock hurts too", ("body_region", "buttock"))
    assert read(said, "screening", case=CALF_CASE).slots["pain_regions"] == ["calf", "buttock"]


def test_a_question_naming_a_sign_answers_the_red_flag_question():
    msg = message("is a swollen calf bad?", ("finding", "swelling"), intent="faq", confidence=0.95)
    assert read(msg, "screen_dvt", case=CALF_CASE).slots["screen_dvt"] == "yes"


def test_a_message_in_another_language_is_not_read_at_all():
    # "no puedo respirar" is no "no"; and its entities are the lexicon's corrections of
    # foreign words ("Luft" read as "left"): a message with English ones is not taken for
    # another language (bot/server/nlu/other_language.py)
    for requested in ("pain_cause", "pain_duration_days", "screen_fever", "screening", None):
        msg = message(
            "no puedo respirar, desde hace 3 días", ("side", "left"), intent="other_language"
        )
        reading = read(msg, requested, case=CALF_CASE)
        assert reading.interrupted and reading.slots == {} and reading.responses == []


def test_a_red_flag_inside_a_question_is_still_acted_on():
    msg = message(
        "stop, I can't breathe properly", ("finding", "breathless"), intent="stop", confidence=0.9
    )
    reading = read(msg, "pain_duration_days", case=CALF_CASE)
    assert not reading.interrupted
    assert "breathless" in reading.slots["findings"]


def test_a_correction_is_not_taken_for_the_answer_to_a_red_flag_question():
    reading = read(
        message("no, it's more my lower back", ("body_region", "low_back")),
        "screening",
        case=CALF_CASE,
    )
    assert reading.slots["pain_regions"] == ["low_back"]
    assert not any(key.startswith("screen_") for key in reading.slots)


def test_a_place_named_later_joins_the_others_and_is_screened_too():
    case = Case(regions=("low_back",), cause="overuse")
    reading = read(
        message(
            "sorry, my calf is swollen and red too",
            ("body_region", "calf"),
            ("finding", "swelling"),
            ("finding", "red_warm"),
        ),
        "pain_duration_days",
        case=case,
    )
    assert reading.slots["pain_regions"] == ["low_back", "calf"]
    assert {"swelling", "red_warm"} <= set(reading.slots["findings"])
    later = replace(case, regions=("low_back", "calf"), findings=frozenset({"swelling"}))
    assert "deep_vein_thrombosis" in policy().decide(later).red_flags


def test_a_doubted_red_flag_is_not_taken_but_its_question_comes_next():
    reading = read(message("my face might be drooping", ("doubted_finding", "one_sided_weakness")))
    assert "findings" not in reading.slots
    assert reading.slots["raised_questions"] == ["stroke"]
    case = Case(raised=frozenset(reading.slots["raised_questions"]))
    assert questions_to_ask(case)[0] == "screen_stroke"


def test_what_the_red_flag_reader_suspects_is_asked_next():
    reading = read(
        message("feels like an elephant is sitting on my chest", ("red_flag_question", "cardiac"))
    )
    assert reading.slots["raised_questions"] == ["cardiac"]


def test_a_hint_at_a_question_already_answered_raises_nothing():
    reading = read(
        message("maybe a fever", ("doubted_finding", "fever")),
        "pain_cause",
        case=Case(regions=("low_back",), answered=frozenset({"fever"})),
    )
    assert "raised_questions" not in reading.slots


def test_an_unreadable_answer_is_asked_again_then_with_choices_then_left_unknown():
    case = Case(regions=("calf",), cause="overuse")
    first = read(message("no"), "pain_duration_days", case=case)
    assert first.responses == ["utter_did_not_understand_duration"]
    assert first.slots == {"unclear_questions": ["pain_duration_days"]}
    second = read(
        message("no"),
        "pain_duration_days",
        case=case,
        unclear=frozenset(first.slots["unclear_questions"]),
    )
    assert second.slots == {"choices_for": "pain_duration_days"}
    third = read(
        message("no"),
        "pain_duration_days",
        case=case,
        unclear=frozenset({"pain_duration_days"}),
        choices_for="pain_duration_days",
    )
    assert third.responses == ["utter_going_on_without_it"]
    assert third.slots == {"choices_for": None, "unknown_answers": ["pain_duration_days"]}
    after = replace(case, unknown=frozenset(third.slots["unknown_answers"]))
    assert "pain_duration_days" not in questions_to_ask(after)


def test_a_cause_that_cannot_be_read_even_with_choices_is_unknown():
    reading = read(
        message("🤷"),
        "pain_cause",
        case=Case(regions=("calf",)),
        unclear=frozenset({"pain_cause"}),
        choices_for="pain_cause",
    )
    assert reading.slots["pain_cause"] == "unknown"


def test_a_question_about_the_bot_is_answered_and_still_counts_so_nothing_loops():
    bot_question = message("are you a bot?", intent="bot_challenge", confidence=0.95)
    first = read(bot_question, "pain_intensity")
    assert first.responses == ["utter_iamabot"]
    assert first.slots == {"unclear_questions": ["pain_intensity"]}
    third = read(
        bot_question,
        "pain_intensity",
        unclear=frozenset({"pain_intensity"}),
        choices_for="pain_intensity",
    )
    assert third.responses == ["utter_iamabot", "utter_going_on_without_it"]
    assert third.slots["unknown_answers"] == ["pain_intensity"]


def test_words_taken_for_small_talk_in_reply_to_the_cause_are_a_cause():
    reading = read(message("Writing.", intent="out_of_scope", confidence=0.9), "pain_cause")
    assert reading.slots["pain_cause"] == "other"


def test_a_statement_taken_for_a_question_answers_the_question_asked():
    # it was answered as a question and "what brought it on?" asked again, without end
    said = message("the push-up challenge, too many", intent="faq", confidence=0.99)
    reading = read(said, "pain_cause")
    assert not reading.interrupted
    assert reading.slots["pain_cause"] == "other"
    asked = message("how do I stretch it?", intent="faq", confidence=0.99)
    assert read(asked, "pain_cause").interrupted


def test_a_statement_taken_for_a_question_counts_towards_going_on_without_it():
    said = message("it is what it is", intent="faq", confidence=0.99)
    reading = read(said, "pain_duration_days")
    assert not reading.interrupted
    assert reading.slots["unclear_questions"] == ["pain_duration_days"]


@pytest.mark.parametrize(
    ("payload", "requested", "value"),
    [
        ("3 days", "pain_duration_days", 3),
        ("10 days", "pain_duration_days", 10),
        ("a month", "pain_duration_days", 30),
        ("6 months", "pain_duration_days", 180),
        ("mild", "pain_intensity", 3),
        ("moderate", "pain_intensity", 5),
        ("severe", "pain_intensity", 8),
    ],
)
def test_the_choices_offered_read_as_their_answers(payload, requested, value):
    assert read(message(payload), requested).slots[requested] == value


def test_a_question_about_the_bot_instead_of_a_red_flag_answer_is_answered_and_unclear():
    reading = read(
        message("what can you do?", intent="ask_help", confidence=0.95),
        "screen_cauda_equina",
        case=Case(regions=("low_back",)),
    )
    assert reading.responses == ["utter_help", "utter_need_yes_or_no"]
    assert reading.slots == {"unclear_questions": ["screen_cauda_equina"]}


def test_a_description_that_asks_gets_its_answer_before_the_interview_goes_on():
    msg = message(
        "I keep waking up with a crick in my neck. Is my pillow the problem?",
        ("vague_region", "neck"),
        answer="utter_faq/sleep_position",
    )
    reading = read(msg)
    assert reading.responses[0] == "utter_faq/sleep_position"
    assert reading.slots["vague_regions"] == ["neck"]


def test_a_question_beside_a_red_flag_gets_the_screening_alone():
    msg = message(
        "Is this my heart? My chest is tight and I'm short of breath.",
        ("body_region", "chest"),
        ("finding", "breathless"),
        answer="utter_faq/when_emergency",
    )
    assert "utter_faq/when_emergency" not in read(msg).responses


def test_a_statement_gets_no_answer_to_a_question_it_does_not_ask():
    msg = message("my neck is stiff from my pillow", ("vague_region", "neck"), answer="utter_x")
    assert "utter_x" not in read(msg).responses
