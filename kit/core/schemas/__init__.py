"""JSON Schemas for question banks (custom lens JSON) and review files."""

import json
from functools import cache
from importlib.resources import files


@cache
def load(name: str) -> dict:
    """The schema ``<name>.schema.json`` shipped with the kit."""
    return json.loads(files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8"))
