"""The body map drawing: one shape per region code and side, a spot for every muscle, and a
result drawn with the pain's side shaded and the trigger points numbered."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import yaml

from actions.knowledge.pain import read_regions
from actions.settings import DATA_DIR
from bot.web.bodymap import Spot, body_map

SVG = "{http://www.w3.org/2000/svg}"


def regions_drawn(svg: str, css_class: str = "km-region") -> list[tuple[str, str, str]]:
    root = ET.fromstring(svg)
    return [
        (shape.get("data-region"), shape.get("data-side"), shape.get("data-view"))
        for shape in root.iter()
        if css_class in (shape.get("class") or "").split()
    ]


def test_every_region_code_can_be_tapped_on_each_side_it_has():
    drawn = regions_drawn(body_map().svg())
    codes = {code for code, _, _ in drawn}
    assert codes == set(read_regions())
    for code in codes:
        sides = {side for c, side, _ in drawn if c == code}
        assert sides in ({"center"}, {"left", "right"}), (code, sides)


def test_every_shape_has_a_label_a_screen_reader_can_read():
    root = ET.fromstring(body_map().svg())
    shapes = [s for s in root.iter() if s.get("data-region")]
    labels = [s.get("aria-label") for s in shapes]
    assert all(labels) and len(set(labels)) == len(labels)
    assert all(s.find(f"{SVG}title") is not None for s in shapes)
    assert "Calf, left side (back)" in labels


def test_every_muscle_of_the_knowledge_base_has_a_spot_inside_the_picture():
    muscles = yaml.safe_load((DATA_DIR / "knowledge" / "muscles.yml").read_text())["muscles"]
    spots = body_map().spots
    assert set(spots) == {m["code"] for m in muscles}
    for code, places in spots.items():
        for place in places:
            assert place["view"] in ("front", "back"), code
            assert 0 <= place["dx"] <= 72 and 30 <= place["y"] <= 460, code


def test_a_result_shades_only_the_painful_side():
    drawn = regions_drawn(body_map().svg(["calf", "neck_back"], "left"), "km-marked")
    assert sorted(drawn) == [("calf", "left", "back"), ("neck_back", "center", "back")]


@pytest.mark.parametrize("side", [None, "both"])
def test_without_one_side_both_sides_are_shaded(side):
    drawn = regions_drawn(body_map().svg(["calf"], side), "km-marked")
    assert {s for _, s, _ in drawn} == {"left", "right"}


def test_trigger_points_are_numbered_on_the_side_of_the_pain():
    svg = body_map().svg(["calf"], "right", [Spot(1, "gastrocnemius"), Spot(2, "soleus")])
    root = ET.fromstring(svg)
    spots = [g for g in root.iter(f"{SVG}g") if g.get("class") == "km-spot"]
    numbers = {(g.get("data-muscle"), g.find(f"{SVG}text").text) for g in spots}
    assert numbers == {("gastrocnemius", "1"), ("soleus", "2")}
    back_midline = body_map().views["back"]["midline"]
    # the person's right is on the viewer's right in the back view
    assert all(float(g.find(f"{SVG}circle").get("cx")) > back_midline for g in spots)


def test_a_result_on_one_side_of_the_body_is_drawn_larger_on_that_view_alone():
    back_only = ET.fromstring(body_map().svg(["calf"], "left", [Spot(1, "soleus")]))
    assert back_only.get("viewBox") == "210 0 210 470"
    both = ET.fromstring(body_map().svg(["calf", "chest"], "left"))
    assert both.get("viewBox") == "0 0 420 470"
    assert ET.fromstring(body_map().svg()).get("viewBox") == "0 0 420 470"
