"""The register's heat map: a 3 x 3 picture whose cells carry their counts, drawn once per change of counts."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kit.core.register import band
from kit.core.vocabulary import HIGH, LEVELS, LOW, MEDIUM
from kit.render.charts import BAND_COLOURS, HeatMap, heatmap_png


def grid(**cells: int) -> dict:
    """Counts by ``<likelihood>_<impact>``, such as ``HIGH_LOW=2``; the rest are 0."""
    return {row: {column: cells.get(f"{row}_{column}", 0) for column in LEVELS} for row in LEVELS}


def pixel(png: bytes, chart: HeatMap, likelihood: str, impact: str) -> tuple[int, int, int]:
    """The colour near the top-left corner of a cell (clear of its numbers)."""
    patch = chart._cells[(likelihood, impact)][0]
    box = patch.get_window_extent(chart.canvas.get_renderer())
    image = Image.open(io.BytesIO(png)).convert("RGB")
    x, y = box.x0 + 6, image.height - (box.y1 - 6)
    return image.getpixel((int(x), int(y)))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def test_bands_follow_the_rating():
    assert [band(r) for r in (9, 6, 4, 3, 2, 1)] == [HIGH, HIGH, MEDIUM, MEDIUM, LOW, LOW]


def test_occupied_cells_take_their_bands_colour_and_empty_ones_a_pale_tint():
    chart = HeatMap(dpi=72)
    png = chart.render(grid(HIGH_HIGH=2, MEDIUM_MEDIUM=1, LOW_LOW=3))
    assert png.startswith(b"\x89PNG")
    assert pixel(png, chart, HIGH, HIGH) == hex_rgb(BAND_COLOURS[HIGH])
    assert pixel(png, chart, MEDIUM, MEDIUM) == hex_rgb(BAND_COLOURS[MEDIUM])
    assert pixel(png, chart, LOW, LOW) == hex_rgb(BAND_COLOURS[LOW])
    empty = pixel(png, chart, HIGH, LOW)  # rating 3, nothing in it: lighter than the medium band
    assert empty != hex_rgb(BAND_COLOURS[MEDIUM]) and sum(empty) > sum(hex_rgb(BAND_COLOURS[MEDIUM]))


def test_every_cell_says_its_count_in_words_too():
    chart = HeatMap(dpi=72)
    chart.render(grid(HIGH_HIGH=12, LOW_MEDIUM=1))
    texts = {key: cell[1].get_text() for key, cell in chart._cells.items()}
    assert texts[(HIGH, HIGH)] == "12" and texts[(LOW, MEDIUM)] == "1"
    assert texts[(MEDIUM, LOW)] == "\u2013"  # empty, said with a dash rather than only a pale colour


def test_the_same_counts_are_not_drawn_twice_and_new_counts_are():
    chart = HeatMap(dpi=72)
    first = chart.render(grid(HIGH_HIGH=1))
    assert chart.render(grid(HIGH_HIGH=1)) is first and chart.renders == 1
    second = chart.render(grid(HIGH_HIGH=2))
    assert second != first and chart.renders == 2


@pytest.mark.parametrize("dpi", [72, 192])
def test_the_static_picture_scales_with_its_resolution(dpi):
    image = Image.open(io.BytesIO(heatmap_png(grid(), dpi=dpi)))
    assert image.width == pytest.approx(4.6 * dpi, abs=2)
