"""The layers' arrows point one way: core <- render <- app <- entry points.

Every ``import`` in ``kit/`` is read with ``ast`` (the ones inside functions too, since a lazy
import is still a dependency), and each module may import only from its own layer or the
layers before it. The core also keeps the heavy libraries out, so ``import kit`` stays cheap.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[2] / "kit"

#: Layer of each part of the package, from the bottom up.
LAYERS = {"core": 0, "render": 1, "app": 2, "exchange": 2, "entry": 3}
ENTRY_POINTS = {"kit.cli", "kit.serve", "kit.voila_server", "kit.jupyter_extension", "kit.__main__"}
#: Libraries the core never imports, even lazily (the portfolio's pandas is the one exception).
NOT_IN_CORE = {
    "ipywidgets",
    "IPython",
    "ipykernel",
    "matplotlib",
    "nbconvert",
    "nbformat",
    "jinja2",
    "markupsafe",
    "voila",
    "openpyxl",
}
NOT_IN_RENDER = {"ipywidgets", "IPython", "ipykernel", "voila"}


def module_name(path: Path) -> str:
    parts = path.relative_to(KIT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str:
    if module == "kit" or module.startswith("kit.core"):
        return "core"
    if module in ENTRY_POINTS:
        return "entry"
    part = module.split(".")[1]
    if part in LAYERS:
        return part
    raise AssertionError(
        f"{module} belongs to no layer: put it in kit/core, kit/render, kit/app or make it an entry point"
    )


def imports_of(path: Path, module: str) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target))
            # ``from kit import render`` names a layer too
            found += [(node.lineno, f"{target}.{alias.name}") for alias in node.names if target == "kit"]
    return found


MODULES = sorted(KIT.rglob("*.py"))


def wrong_arrows(path: Path, module: str) -> list[str]:
    here = layer_of(module)
    wrong = []
    for line, target in imports_of(path, module):
        top = target.split(".")[0]
        if target.startswith("kit.") and target not in ("kit.__version__",):
            try:
                there = layer_of(target)
            except AssertionError:
                continue  # a name imported from a package, not a module
            if LAYERS[there] > LAYERS[here] or (
                (there == "exchange") != (here == "exchange") and LAYERS[there] == LAYERS[here]
            ):
                wrong.append(f"line {line}: {target} ({there})")
        if here == "core" and top in NOT_IN_CORE:
            wrong.append(f"line {line}: {target} (the core stays free of it)")
        if here == "render" and top in NOT_IN_RENDER:
            wrong.append(f"line {line}: {target} (rendering knows no widgets or kernels)")
    return wrong


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_a_module_imports_only_from_its_own_layer_or_below(path):
    wrong = wrong_arrows(path, module_name(path))
    assert not wrong, f"{module_name(path)} is in the {layer_of(module_name(path))} layer but imports " + "; ".join(
        wrong
    )


def test_the_checker_sees_a_wrong_arrow_even_inside_a_function(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from . import scoring\n\ndef later():\n    from ..app.app import ReviewApp\n    import matplotlib.figure\n",
        encoding="utf-8",
    )
    assert wrong_arrows(probe, "kit.core.probe") == [
        "line 4: kit.app.app (app)",
        "line 5: matplotlib.figure (the core stays free of it)",
    ]
    assert wrong_arrows(probe, "kit.cli") == []


def test_every_module_has_a_layer():
    assert {layer_of(module_name(p)) for p in MODULES} <= set(LAYERS)
    assert {"core", "render", "app", "entry"} <= {layer_of(module_name(p)) for p in MODULES}
