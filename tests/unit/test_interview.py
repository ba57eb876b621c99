"""The interview asks only what it does not know, screens by region, and stops for emergencies."""

import pytest
import yaml

from actions.settings import PROJECT_ROOT
from actions.triage.case import Case
from actions.triage.interview import questions_to_ask, screening_group
from actions.triage.screening import open_questions, questions
from actions.triage_form import screening_items
from bot.devtools.bench import patient_sim as sim


def test_a_new_interview_asks_where_first():
    assert questions_to_ask(Case())[0] == "pain_regions"


def test_what_the_first_message_said_is_not_asked_again():
    case = Case(regions=("shoulder_top",), cause="posture")
    plan = questions_to_ask(case)
    assert plan[-2:] == ["pain_duration_days", "pain_intensity"]
    assert "pain_regions" not in plan and "pain_cause" not in plan


BASICS = ("pain_cause", "pain_duration_days", "pain_intensity")


@pytest.mark.parametrize("region", ["low_back", "calf", "head_back", "chest", "knee_front"])
def test_screening_comes_before_cause_duration_and_intensity(region):
    plan = questions_to_ask(Case(regions=(region,)))
    screening = [slot for slot in plan if slot not in BASICS]
    assert screening, region
    assert plan[: len(screening)] == screening
    assert plan[len(screening) :] == list(BASICS)


def test_until_the_place_is_known_only_the_raised_questions_come_before_it():
    case = Case(cause="injury", raised=frozenset({"stroke"}))
    assert questions_to_ask(case) == ["screen_stroke", "screen_trauma", "pain_regions"]


@pytest.mark.parametrize("finding", ["sweating", "breathless", "bladder_bowel_loss"])
def test_where_comes_first_when_the_place_alone_could_make_it_an_emergency(finding):
    """ "I've suddenly become incontinent": with back pain it is an emergency, so the place
    is asked first, and the answer "my lower back" is the call."""
    case = Case(findings=frozenset({finding}))
    assert questions_to_ask(case)[0] == "pain_regions"
    placed = Case(regions=("low_back",), findings=frozenset({finding}))
    assert "pain_regions" not in questions_to_ask(placed)


def test_questions_the_words_hint_at_come_first_even_before_the_place():
    case = Case(raised=frozenset({"stroke"}))
    assert questions_to_ask(case) == ["screen_stroke", "pain_regions"]
    later = Case(regions=("shoulder_top",), raised=frozenset({"cauda_equina"}))
    assert questions_to_ask(later)[0] == "screen_cauda_equina"


def test_a_hinted_meningitis_is_asked_without_waiting_for_the_fever():
    case = Case(regions=("neck_back",), raised=frozenset({"meningitis"}))
    assert questions_to_ask(case)[0] == "screen_meningitis"


def test_the_injury_questions_come_right_after_the_cause_is_an_injury():
    screened = frozenset(q.code for q in open_questions(Case(regions=("ankle",))))
    case = Case(regions=("ankle",), cause="injury", answered=screened)
    plan = questions_to_ask(case)
    assert plan[0] == "screen_trauma"
    assert plan[-2:] == ["pain_duration_days", "pain_intensity"]


def test_a_question_the_person_could_not_answer_is_not_asked_again():
    done = frozenset(q.code for q in questions())
    case = Case(regions=("calf",), cause="overuse", intensity=3, answered=done)
    assert questions_to_ask(case) == ["pain_duration_days"]
    unknown = Case(
        regions=("calf",),
        cause="overuse",
        intensity=3,
        answered=done,
        unknown=frozenset({"pain_duration_days"}),
    )
    assert questions_to_ask(unknown) == []
    nowhere = Case(unknown=frozenset({"pain_regions"}))
    assert questions_to_ask(nowhere)[-3:] == list(BASICS)


def test_screening_is_region_aware():
    calf = {q.code for q in open_questions(Case(regions=("calf",)))}
    assert {"embolism", "dvt", "numbness"} <= calf
    assert not {"cardiac", "thunderclap", "cauda_equina", "fever"} & calf
    head = {q.code for q in open_questions(Case(regions=("head_back",)))}
    assert {"stroke", "thunderclap", "arteritis", "fever", "numbness"} <= head
    assert "dvt" not in head


def test_heart_attack_screen_for_chest_arm_shoulder_jaw_neck_and_upper_back():
    for region in ("chest", "upper_arm", "shoulder_top", "jaw", "neck_side", "upper_back"):
        assert "cardiac" in {q.code for q in open_questions(Case(regions=(region,)))}, region
    assert "cardiac" not in {q.code for q in open_questions(Case(regions=("calf",)))}


def test_the_persons_own_words_raise_questions_and_they_come_first():
    case = Case(regions=("low_back",), findings=frozenset({"sweating"}))
    assert questions_to_ask(case)[0] == "screen_cardiac"


def test_injury_adds_the_trauma_and_fracture_questions():
    codes = {q.code for q in open_questions(Case(regions=("ankle",), cause="injury"))}
    assert {"trauma", "fracture"} <= codes
    follow_up = Case(regions=("ankle",), cause="injury", findings=frozenset({"major_mechanism"}))
    assert "trauma_effects" in {q.code for q in open_questions(follow_up)}


def test_answered_questions_are_not_asked_again():
    case = Case(regions=("calf",), answered=frozenset({"embolism"}))
    assert "embolism" not in {q.code for q in open_questions(case)}


def test_an_emergency_ends_the_interview_at_once():
    case = Case(regions=("jaw",), findings=frozenset({"breathless"}))
    assert questions_to_ask(case) == []


def test_an_urgent_flag_leaves_only_the_open_emergency_questions():
    case = Case(regions=("calf",), findings=frozenset({"swelling"}))
    assert questions_to_ask(case) == ["screen_embolism"]
    answered = Case(
        regions=("calf",), findings=frozenset({"swelling"}), answered=frozenset({"embolism"})
    )
    assert questions_to_ask(answered) == []


def test_a_complete_case_is_ready_to_decide():
    done = frozenset(q.code for q in questions())
    case = Case(regions=("calf",), cause="overuse", days=2, intensity=3, answered=done)
    assert questions_to_ask(case) == []


def test_every_screening_question_has_a_domain_question_and_slot():
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "screening.yml").read_text())
    for question in questions():
        assert question.slot in domain["slots"]
        assert f"utter_ask_{question.slot}" in domain["responses"]


def test_a_headache_with_fever_is_asked_the_meningitis_signs():
    headache = Case(regions=("head_back",), findings=frozenset({"fever"}))
    assert "meningitis" in {q.code for q in open_questions(headache)}


SIM_TOPICS = {
    "cardiac": {"cardiac"},
    "embolism": {"pe"},
    "fever": {"fever"},
    "dvt": {"dvt"},
    "fracture": {"fracture"},
    "arteritis": {"gca"},
    "weakness": {"progressive_weakness"},
    "serious_back": {"cancer", "weight_loss", "night_pain"},
    "hot_joint": {"hot_joint"},
    "numbness": {"numbness"},
}


def test_every_group_question_reads_as_asking_about_each_of_its_items():
    """The scripted patient (bot/devtools/bench/patient_sim.py) reads questions the way a
    person skims them: a group must not read as a question about time, place or cause, and
    each of its lines must name its own topic."""
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "screening.yml").read_text())
    responses = domain["responses"]
    intro = responses["utter_ask_screening"][0]["text"]
    regions = yaml.safe_load((PROJECT_ROOT / "data" / "regions.yml").read_text())
    for region in (entry["code"] for entry in regions["regions"]):
        for cause in ("injury", "overuse"):
            group = screening_group(Case(regions=(region,), cause=cause, days=3, intensity=5))
            if len(group) < 2:
                continue
            items = screening_items(group, responses)
            kind, *topics = sim.classify(intro.format(items=items))
            assert kind == "flags", (region, items)
            for q in group:
                assert SIM_TOPICS[q.code] & set(topics[0]), (region, q.code, topics)


def test_a_vague_place_is_screened_for_all_its_parts_before_which_part():
    head = Case(maybe_regions=("head_top", "head_temple", "head_back", "forehead_eye"))
    plan = questions_to_ask(head)
    assert plan[0] in ("screen_stroke", "screen_thunderclap")
    assert plan[-4:] == ["pain_regions", *BASICS]


def test_of_the_raised_questions_one_that_would_settle_an_emergency_comes_first():
    """ "my head hurt suddenly, like a blow, and I feel sick": the thunderclap question the
    words hint at settles it, the heart-attack screen "feel sick" raises cannot (a head)."""
    head = ("head_top", "head_temple", "head_back", "forehead_eye")
    case = Case(
        maybe_regions=head, findings=frozenset({"nausea"}), raised=frozenset({"thunderclap"})
    )
    assert questions_to_ask(case)[:2] == ["screen_thunderclap", "screen_cardiac"]


def test_of_equals_an_accident_told_comes_before_a_hint_and_a_hint_before_a_sign():
    """ "a heavy crate fell on my back, pins and needles in both legs": the accident told
    and the bladder question hinted at would both settle an emergency; the accident first.
    "can't lift my arm all of a sudden": the stroke the words hint at before the accident a
    limb that won't work might follow."""
    back = ("upper_back", "mid_back", "low_back")
    crate = Case(
        maybe_regions=back,
        cause="injury",
        findings=frozenset({"numbness"}),
        raised=frozenset({"cauda_equina"}),
    )
    assert questions_to_ask(crate)[:2] == ["screen_trauma", "screen_cauda_equina"]
    arm = Case(
        regions=("upper_arm",),
        findings=frozenset({"cannot_use_limb"}),
        raised=frozenset({"stroke"}),
    )
    assert questions_to_ask(arm)[:2] == ["screen_stroke", "screen_trauma"]
