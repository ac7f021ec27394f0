"""The handout's look: its stylesheet and the Content-Security-Policy that keeps it offline.

The stylesheet (``templates/handout.css.j2``) uses the system font stack (no web fonts), the
risk palette of :mod:`kit.render.charts` (Okabe-Ito, safe for colour-blind readers; every badge
also says its risk in words) on the vocabulary's CSS classes (``pk-risk-high`` ...), tables
that wrap rather than clip, a readable column on screen, and print rules: ``@page`` margins
and page numbers, a page break before the summary, each pillar, the plan and the risk register.
"""

from __future__ import annotations

from functools import cache

from kit.render.handout.jinja import environment

#: What the page may load: inline styles and data: images, nothing else (no scripts at all).
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


#: What a printed page's footer says: the handout's, and the portfolio report's.
HANDOUT_FOOTER = "Well-Architected review handout"
PORTFOLIO_FOOTER = "Well-Architected portfolio report"
#: Paper sizes for printing, by name: the CSS ``@page`` size. A4 is the default (most of the world).
A4 = "a4"
LETTER = "letter"
PAPERS = {A4: "A4", LETTER: "letter"}


@cache
def stylesheet(footer: str = HANDOUT_FOOTER, paper: str = A4) -> str:
    """The handout's CSS for pages of ``paper`` ("a4" or "letter"; the portfolio report's too, with its own
    ``footer`` on printed pages), with the risk palette of :mod:`kit.render.charts` (imported here, so
    that the tabular exports never load matplotlib)."""
    from kit.render.charts import BAND_COLOURS, PALETTE, TEXT_COLOUR

    return (
        environment()
        .get_template("handout.css.j2")
        .render(palette=PALETTE, text_colour=TEXT_COLOUR, footer=footer, paper=PAPERS[paper], bands=BAND_COLOURS)
    )


__all__ = ["A4", "CONTENT_SECURITY_POLICY", "HANDOUT_FOOTER", "LETTER", "PAPERS", "PORTFOLIO_FOOTER", "stylesheet"]
