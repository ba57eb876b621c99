"""The body map as SVG, drawn from data/bodymap: the question (tappable regions) and the
result (pain regions shaded, trigger point spots numbered). The web widget and, later,
the Telegram channel's picture use this one drawing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import yaml

from actions.knowledge.pain import read_regions
from actions.settings import DATA_DIR

BODYMAP_DIR = DATA_DIR / "bodymap"
HALVES = ("right", "left")
"""The body's two halves, each drawn in every view: a region with a side is drawn twice."""

STYLE = """
.km-outline{fill:#e8e2da;stroke:#6b6259;stroke-width:1}
.km-region{fill:#ffffff;fill-opacity:.55;stroke:#6b6259;stroke-width:.8}
.km-region.km-marked{fill:#b3261e;fill-opacity:.7;stroke:#7a1410}
.km-title{font:600 13px system-ui,sans-serif;fill:#2b2622}
.km-side{font:11px system-ui,sans-serif;fill:#4a423b}
.km-spot circle{fill:#0b57d0;stroke:#fff;stroke-width:1.5}
.km-spot text{font:700 10px system-ui,sans-serif;fill:#fff;text-anchor:middle}
"""


@dataclass(frozen=True)
class Shape:
    view: str
    side: str
    """`right`, `left` or `center` (one shape across the midline)."""
    tag: str
    attributes: tuple[tuple[str, str], ...]
    code: str | None = None
    """The region code; None for the outline drawn underneath."""


@dataclass(frozen=True)
class Spot:
    """A numbered trigger point on the map."""

    number: int
    muscle: str


class BodyMap:
    def __init__(self, geometry: Mapping, spots: Mapping[str, list], labels: Mapping[str, str]):
        self.width = geometry["canvas"]["width"]
        self.height = geometry["canvas"]["height"]
        self.views = geometry["views"]
        self.labels = labels
        self.outline = [
            shape
            for view in self.views
            for entry in geometry["silhouette"]
            for shape in self._placed(entry, view, None)
        ]
        self.regions = [
            shape
            for entry in geometry["regions"]
            for shape in self._placed(entry, entry["view"], entry["code"])
        ]
        self.spots = spots

    def svg(
        self,
        marked: Iterable[str] = (),
        side: str | None = None,
        spots: Sequence[Spot] = (),
        label: str = "Body map, front and back",
    ) -> str:
        """The map; regions in `marked` shaded on the pain's side (both when unknown). When
        everything marked is on one view (front or back), only that view is drawn, larger."""
        marked = set(marked)
        marked_sides = {"left": {"left"}, "right": {"right"}}.get(side or "", {"left", "right"})
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{self._view_box(marked, spots)}" '
            f'role="group" aria-label={quoteattr(label)}>',
            f"<style>{STYLE}</style>",
        ]
        for name, view in self.views.items():
            parts.append(
                f'<text class="km-title" x="{view["midline"]}" y="16" text-anchor="middle">'
                f"{view['title']}</text>"
            )
            # whose right is on which side of the picture is not obvious in a front view
            right, left = (-1, 1) if name == "front" else (1, -1)
            for word, sign in (("R", right), ("L", left)):
                x = view["midline"] + sign * 88
                parts.append(
                    f'<text class="km-side" x="{x}" y="16" aria-hidden="true">{word}</text>'
                )
        parts.extend(_element(shape, "km-outline") for shape in self.outline)
        for shape in self.regions:
            is_marked = shape.code in marked and (
                shape.side == "center" or shape.side in marked_sides
            )
            parts.append(self._region(shape, is_marked))
        parts.extend(self._spot(spot, side) for spot in spots)
        parts.append("</svg>")
        return "".join(parts)

    def _view_box(self, marked: set[str], spots: Sequence[Spot]) -> str:
        views = {shape.view for shape in self.regions if shape.code in marked}
        views |= {place["view"] for spot in spots for place in self.spots.get(spot.muscle, ())}
        if len(views) != 1:
            return f"0 0 {self.width} {self.height}"
        width = self.width / len(self.views)
        left = self.views[views.pop()]["midline"] - width / 2
        return f"{left:g} 0 {width:g} {self.height}"

    def _region(self, shape: Shape, marked: bool) -> str:
        assert shape.code is not None, "a region has a code (only the outline has none)"
        name = self.labels[shape.code]
        if shape.side != "center":
            name = f"{name}, {shape.side} side"
        extra = (
            ("data-region", shape.code),
            ("data-side", shape.side),
            ("data-view", shape.view),
            ("aria-label", f"{name} ({shape.view})"),
        )
        return _element(shape, "km-region km-marked" if marked else "km-region", extra, title=name)

    def _spot(self, spot: Spot, side: str | None) -> str:
        sides = {"left": ("left",), "right": ("right",)}.get(side or "", HALVES)
        marks = []
        for place in self.spots.get(spot.muscle, ()):
            view = self.views[place["view"]]
            for s in sides if place["dx"] else ("right",):
                x = _x(view, place["view"], s, place["dx"])
                marks.append(
                    f'<g class="km-spot" data-muscle="{spot.muscle}">'
                    f'<circle cx="{x:g}" cy="{place["y"]:g}" r="6"/>'
                    f'<text x="{x:g}" y="{place["y"] + 3.5:g}">{spot.number}</text></g>'
                )
        return "".join(marks)

    def _placed(self, entry: Mapping, view_name: str, code: str | None) -> list[Shape]:
        view = self.views[view_name]
        sides = ("center",) if entry["side"] == "center" else HALVES
        return [
            Shape(view_name, side, *_geometry(entry, view, view_name, side), code=code)
            for side in sides
        ]


def _x(view: Mapping, view_name: str, side: str, dx: float) -> float:
    """The person's right is on the viewer's left in the front view."""
    sign = -1 if (view_name == "front") == (side in ("right", "center")) else 1
    return view["midline"] + sign * dx


def _geometry(
    entry: Mapping, view: Mapping, view_name: str, side: str
) -> tuple[str, tuple[tuple[str, str], ...]]:
    def x(dx: float) -> str:
        return f"{_x(view, view_name, side, dx):g}"

    if "ellipse" in entry:
        dx, y, rx, ry = entry["ellipse"]
        return "ellipse", (("cx", x(dx)), ("cy", f"{y:g}"), ("rx", f"{rx:g}"), ("ry", f"{ry:g}"))
    if "rect" in entry:
        dx1, y1, dx2, y2 = entry["rect"]
        corners = [(dx1, y1), (dx2, y1), (dx2, y2), (dx1, y2)]
    else:
        corners = entry["polygon"]
    points = " ".join(f"{x(dx)},{y:g}" for dx, y in corners)
    return "polygon", (("points", points),)


def _element(
    shape: Shape,
    css_class: str,
    extra: tuple[tuple[str, str], ...] = (),
    title: str | None = None,
) -> str:
    attributes = "".join(
        f" {name}={quoteattr(value)}"
        for name, value in (("class", css_class), *shape.attributes, *extra)
    )
    if title is None:
        return f"<{shape.tag}{attributes}/>"
    return f"<{shape.tag}{attributes}><title>{escape(title)}</title></{shape.tag}>"


@cache
def body_map(directory: Path = BODYMAP_DIR) -> BodyMap:
    geometry = yaml.safe_load((directory / "shapes.yml").read_text())
    spots = yaml.safe_load((directory / "spots.yml").read_text())["spots"]
    return BodyMap(geometry, spots, read_regions())
