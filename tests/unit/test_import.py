"""`import kit` stays cheap: the core pulls in no Jupyter, plotting or data-frame library."""

import json
import subprocess
import sys


def test_importing_the_core_loads_no_heavy_library():
    probe = (
        "import sys, json, kit, kit.core.lens, kit.core.review, kit.core.scoring, kit.core.rules, kit.core.fieldstats, kit.cli;"
        "print(json.dumps(sorted(m for m in ('matplotlib', 'pandas', 'ipywidgets', 'IPython', 'numpy') if m in sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []
