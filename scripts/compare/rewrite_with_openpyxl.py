#!/usr/bin/python3
"""Re-writes a workbook with openpyxl (write-only mode), cell by cell, keeping types and date cells.

For measuring the reader on another writer's layout (inline strings, openpyxl's styles and
dimension handling) at any size; the bench and the comparison use it. Never run by the tests.

    /usr/bin/python3 scripts/compare/rewrite_with_openpyxl.py IN.xlsx OUT.xlsx
"""
import sys

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

source = load_workbook(sys.argv[1], read_only=True)
target = Workbook(write_only=True)
for sheet in source.worksheets:
    out = target.create_sheet(sheet.title)
    for row in sheet.iter_rows(values_only=False):
        cells = []
        for cell in row:
            value = getattr(cell, "value", None)
            written = WriteOnlyCell(out, value=value)
            if getattr(cell, "is_date", False):
                written.number_format = "yyyy-mm-dd"
            cells.append(written)
        out.append(cells)
target.save(sys.argv[2])
