"""pillarkit: run Well-Architected style reviews in Jupyter.

The layers, each importing only from those before it (a test keeps it so):

- ``kit.core``: vocabulary, options, lenses, rules, reviews, scoring, roadmap, milestones,
  field statistics, the risk register and its starter catalogue; no Jupyter, plotting,
  nbconvert or pandas, so ``import kit`` stays cheap;
- ``kit.render``: charts, tables and workbooks, the backlog, the handout (Jinja templates), PDF, the
  export formats;
- ``kit.app``: the facilitation app (a session and its widget views);
- entry points: ``kit.cli`` (the ``pillarkit`` command), ``kit.serve``, ``kit.jupyter_extension``.
"""

from kit.core.errors import LensError, PillarkitError, ReviewError
from kit.core.lens import Lens, bundled_aliases
from kit.core.lens import load as load_lens
from kit.core.review import Review
from kit.core.scoring import improvement_list, score

__version__ = "0.1.0"

__all__ = [
    "Lens",
    "LensError",
    "PillarkitError",
    "Review",
    "ReviewError",
    "__version__",
    "bundled_aliases",
    "improvement_list",
    "load_lens",
    "score",
]
