"""Rendering: core objects turned into charts, tables, workbooks, the handout and PDF."""

import sys

# nbconvert imports nbformat, which imports jsonschema, which imports rfc3987_syntax whenever it
# is installed (Jupyter's event system asks for it): that import compiles 38 grammars, 3 to 5 s
# on 2 cores, before the first handout or portfolio report, to check IRI formats that no
# notebook schema uses. Unless something has already imported it, it is marked absent, so
# jsonschema leaves that one format check out.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
