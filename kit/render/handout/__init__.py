"""The handout: a finished review as one self-contained HTML document (and, printed by Chromium, a PDF).

It holds, in order: a cover; an executive summary (the counts in total and per pillar, the
risk chart, the top risks); a section per pillar (each question's risk, practices followed,
missing and not applicable with reasons, notes, field statistics); the improvement plan
grouped into the 3, 12 and 36-month roadmap; the risk register (when it has entries: its heat
map and ranked table, :mod:`.register`); the parking lot; the changes since the last milestone
(when there is one); sources and attribution.

How it is made, one module each:

- :mod:`.facts`: what the handout shows, computed once (scores, plan, roadmap, changes, and
  each part's items); :mod:`.wording`: how it says it (dates, counts, sentences).
- :mod:`.sections` renders each part from its Jinja template in ``templates/`` with
  autoescape on (:mod:`.jinja`): user and lens text reach the HTML only escaped, by
  construction, and links are only ``http(s)`` URLs, as plain ``<a href>``.
- :mod:`.notebook` puts the parts in a notebook of static outputs and converts it with
  nbconvert; :mod:`.style` is its stylesheet and Content-Security-Policy.
- :mod:`.audit` reads the finished page and refuses it if it would fetch or run anything.

Writing the handout to a file, like every other export format, goes through
:mod:`kit.render.formats`.
"""

from kit.render.handout.facts import Facts
from kit.render.handout.notebook import build_notebook, notebook_to_html, to_html
from kit.render.handout.sections import EDITIONS, FULL, SUMMARY
from kit.render.handout.style import A4, LETTER, PAPERS

__all__ = [
    "A4",
    "EDITIONS",
    "FULL",
    "LETTER",
    "PAPERS",
    "SUMMARY",
    "Facts",
    "build_notebook",
    "notebook_to_html",
    "to_html",
]
