"""The portfolio's outputs: charts (``charts``), the HTML report (``report``) and the workbook and table (``workbook``).

Each takes a :class:`kit.core.portfolio.Portfolio` and its :class:`kit.core.portfolio.Reports`;
:func:`kit.render.portfolio.report.export` picks the format from a file's suffix.
"""
