"""The live risk panel: the counts behind the chart, the totals, and redraws only when counts change."""

from __future__ import annotations

from kit.render.charts import PALETTE, RiskChart, risk_figure
from tests.app.app_driver import badge, rows, tick


def counts(app) -> dict:
    return {label: dict(c) for label, c in app.risk_panel.rows}


def test_the_chart_shows_every_pillar_with_its_counts(app):
    assert counts(app) == {
        "Operations": {"UNANSWERED": 2, "HIGH": 0, "MEDIUM": 0, "NONE": 0, "NOT_APPLICABLE": 0},
        "Security": {"UNANSWERED": 1, "HIGH": 0, "MEDIUM": 0, "NONE": 0, "NOT_APPLICABLE": 0},
    }
    assert bytes(app.risk_panel.image.value).startswith(b"\x89PNG\r\n\x1a\n")
    assert "pk-risk-chart" in app.risk_panel.image._dom_classes


def test_every_tick_redraws_the_chart_with_the_new_counts(app):
    before = bytes(app.risk_panel.image.value)
    tick(app, "deploy_pipeline")
    assert counts(app)["Operations"] == {"UNANSWERED": 1, "HIGH": 0, "MEDIUM": 1, "NONE": 0, "NOT_APPLICABLE": 0}
    assert [(row.label, dict(row.counts)) for row in app.risk_panel.drawn_rows] == list(counts(app).items())
    assert bytes(app.risk_panel.image.value) != before
    tick(app, "deploy_rollback")
    assert counts(app)["Operations"]["NONE"] == 1
    app.question_view.na.value = True
    assert counts(app)["Operations"] == {"UNANSWERED": 1, "HIGH": 0, "MEDIUM": 0, "NONE": 0, "NOT_APPLICABLE": 1}
    assert "<b>1</b> not applicable" in app.risk_panel.totals.value


def test_totals_line(app):
    tick(app, "deploy_no")
    totals = app.risk_panel.totals.value
    assert "3 questions:" in totals
    assert "<b>1</b> high" in totals and "<b>2</b> unanswered" in totals


def test_a_change_that_leaves_the_counts_alone_does_not_draw(app):
    tick(app, "deploy_pipeline")
    renders = app.risk_panel.chart.renders
    app.question_view.notes.value = "a note changes no count"
    app.navigator.next.click()
    assert app.risk_panel.chart.renders == renders


def test_after_a_tick_the_chart_goes_out_before_anything_else_is_drawn(app, scheduler):
    """In a kernel, the rest of the screen follows on the loop's next turn, so the chart's message leaves first."""
    scheduler.run_all()
    scheduler.defer_soon = True
    chart, totals = bytes(app.risk_panel.image.value), app.risk_panel.totals.value
    tick(app, "deploy_pipeline")
    assert bytes(app.risk_panel.image.value) != chart
    assert badge(app) == "Unanswered" and app.risk_panel.totals.value == totals
    assert app.toolbar.undo.disabled  # what the session said about undo waits too
    scheduler.run_due()
    assert badge(app) != "Unanswered" and app.risk_panel.totals.value != totals
    assert not app.toolbar.undo.disabled


def test_a_question_left_before_the_rest_is_drawn_keeps_its_own_answer_on_screen(app, scheduler):
    scheduler.run_all()
    scheduler.defer_soon = True
    tick(app, "deploy_pipeline")
    app.navigator.next.click()
    scheduler.run_due()
    assert app.position[1] != "deploy"
    assert not any(row.checkbox.value for row in rows(app).values())
    assert badge(app) == "Unanswered"
    app.navigator.prev.click()
    scheduler.run_due()
    assert rows(app)["deploy_pipeline"].checkbox.value and badge(app) != "Unanswered"


def test_risk_chart_reuses_one_figure_and_draws_like_a_fresh_one():
    chart = RiskChart()
    figure = chart.figure
    rows = [("A", {"HIGH": 1, "UNANSWERED": 3}), ("B", {"NONE": 2, "UNANSWERED": 2})]
    first = chart.render(rows)
    assert chart.render(rows) is first and chart.renders == 1
    rows[0] = ("A", {"HIGH": 2, "MEDIUM": 1, "UNANSWERED": 1})
    updated = chart.render(rows)
    assert chart.figure is figure and chart.renders == 2
    patches_before = len(chart.figure.axes[0].patches)
    chart.render([("A", {"NONE": 4}), ("B", {"NOT_APPLICABLE": 4})])
    assert len(chart.figure.axes[0].patches) == patches_before  # bars are moved, not added
    # Blitting row by row gives the same picture as drawing from scratch.
    assert RiskChart().render(rows) == updated


def test_risk_figure_for_static_outputs():
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_rgb

    figure = risk_figure([("Security", {"HIGH": 2, "UNANSWERED": 9})])
    (axes,) = figure.axes
    bars = axes.patches
    assert [bar.get_width() for bar in bars] == [2, 0, 0, 0, 9]  # one segment per risk, as wide as its count
    assert [t.get_text() for t in axes.texts if t.get_visible()] == ["2", "9"]
    # A static figure is drawn in one pass (as savefig draws it): the bars and numbers are in the picture.
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    height = canvas.get_width_height()[1]
    for bar, risk in ((bars[0], "HIGH"), (bars[4], "UNANSWERED")):
        x, y = axes.transData.transform((bar.get_x() + bar.get_width() / 4, bar.get_y() + bar.get_height() / 2))
        red, green, blue, _ = pixels[height - round(y), round(x)].tolist()
        assert (red, green, blue) == tuple(round(c * 255) for c in to_rgb(PALETTE[risk])), risk


def test_the_charts_one_tick_away_are_drawn_ahead_and_match_a_fresh_render(app, scheduler):
    from kit.render.charts import RiskChart

    while scheduler.run_all():  # the first draw, then the look-ahead renders, one per turn
        pass
    renders = app.risk_panel.chart.renders
    assert renders == 5, "the chart on screen and the four one tick away"
    app.question_view.rows[0].checkbox.value = True
    assert app.risk_panel.chart.renders == renders  # the tick only swapped in a picture drawn ahead
    fresh = RiskChart().render(app.risk_panel.rows)
    assert app.risk_panel.image.value == fresh
