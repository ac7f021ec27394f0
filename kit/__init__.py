"""pillarkit: run Well-Architected style reviews in Jupyter.

The core (``kit.lens``, ``kit.rules``, ``kit.review``, ``kit.scoring``) imports nothing from
Jupyter, matplotlib or pandas, so ``import kit`` stays cheap.
"""

from .errors import LensError, PillarkitError, ReviewError
from .lens import Lens, bundled_aliases
from .lens import load as load_lens
from .review import Review
from .scoring import improvement_list, score

__version__ = "0.1.0"

__all__ = [
    "Lens",
    "LensError",
    "PillarkitError",
    "Review",
    "ReviewError",
    "bundled_aliases",
    "improvement_list",
    "load_lens",
    "score",
    "__version__",
]
