#!/usr/bin/python3
"""tests/xlsx/dump.py FILE.xlsx...: the cells of workbooks as text, one
line per non-empty cell: file, sheet, cell reference, type and value
(dates as yyyy-mm-dd), then each sheet's print setup.  The goldens of
the lists people file (tests/e2e/golden/small/lists.txt) are this dump,
not the zip's bytes."""
import os
import sys

import openpyxl


def value(c):
    v = c.value
    if hasattr(v, "strftime"):
        return "d", v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return "b", str(v)
    if isinstance(v, (int, float)):
        return "n", ("%d" % v) if float(v).is_integer() else repr(v)
    return "s", str(v)


def main(paths):
    for p in paths:
        wb = openpyxl.load_workbook(p)
        name = os.path.basename(p)
        for ws in wb.worksheets:
            ps = ws.page_setup
            print("%s\t%s\t#setup\torientation=%s paper=%s fitwidth=%s "
                  "titles=%s merged=%d" % (
                      name, ws.title, ps.orientation, ps.paperSize,
                      ps.fitToWidth, ws.print_title_rows,
                      len(ws.merged_cells.ranges)))
            for row in ws.iter_rows():
                for c in row:
                    if c.value is None or c.value == "":
                        continue
                    t, v = value(c)
                    print("%s\t%s\t%s\t%s\t%s" % (name, ws.title,
                                                  c.coordinate, t, v))


if __name__ == "__main__":
    main(sys.argv[1:])
