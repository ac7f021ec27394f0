"""Rendering: core objects turned into charts, tables, workbooks, the handout and PDF."""
