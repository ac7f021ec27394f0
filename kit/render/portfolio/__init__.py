"""The portfolio's outputs: the HTML report (``report``, made from the handout's pieces) and the workbook and tidy table (``workbook``).

Each takes a :class:`kit.core.portfolio.Portfolio` and its :class:`kit.core.portfolio.Reports`;
the charts are :mod:`kit.render.charts`'; :func:`kit.render.portfolio.report.export` picks the
format from a file's suffix.
"""
