#!/usr/bin/python3
"""tests/xlsx/xlsxout.py BOOK.xlsx: read back the sample book that
tests/unit/test_xlsxout.c writes (XO_KEEP=BOOK.xlsx) with openpyxl and
check what the streaming writer (etl/xlsxout.h) put in it: every part of
the zip well-formed XML, the sheets, cell values and types (text, numbers,
a date), merged ranges, print titles, frozen rows, page setup, column
widths, row heights, the fonts, borders, alignment and number formats of
a few cells, the document properties, and the chart, as openpyxl reads
it (a bar chart combined with a line chart) and as xml.etree parses it.  Prints "ok - NAME" or
"not ok - NAME" with detail lines starting with "#"; exit status 1 on a
failure."""
import datetime
import sys
import xml.etree.ElementTree as ET
import zipfile

import openpyxl

from tap import FAILED, check

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def parts(path):
    bad = []
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        chart = None
        for n in names:
            try:
                x = ET.fromstring(z.read(n))
            except ET.ParseError as e:
                bad.append("%s: %s" % (n, e))
                continue
            if n == "xl/charts/chart1.xml":
                chart = x
    check("every part of the zip is well-formed XML (%d parts)" % len(names),
          not bad and len(names) == 13, bad or names)
    return chart


def values(ws):
    got = {
        "A2": ws["A2"].value, "A4": ws["A4"].value,
        "A11": ws["A11"].value, "E11": ws["E11"].value,
        "C12": ws["C12"].value, "A13": ws["A13"].value,
        "B13": ws["B13"].value, "C13": ws["C13"].value,
        "D13": ws["D13"].value, "E13": ws["E13"].value,
        "B32": ws["B32"].value, "A33": ws["A33"].value,
        "E33": ws["E33"].value, "B35": ws["B35"].value,
    }
    want = {
        "A2": 'DANH SÁCH A & B <tăng> "mới"', "A4": " Đơn vị: xã A",
        "A11": "STT", "E11": "Số tiền", "C12": 3, "A13": 1,
        "B13": "NGUYỄN VĂN 1", "C13": "0007900000",
        "D13": datetime.datetime(2024, 7, 1), "E13": 1053000,
        "B32": "NGUYỄN VĂN 20", "A33": "Tổng cộng", "E33": 21060000,
        "B35": 0.1,
    }
    check("sheet 1: text (escaped, leading space), numbers, a date",
          got == want, ["%s: %r != %r" % (k, got[k], want[k])
                        for k in want if got[k] != want[k]])
    types = (ws["A13"].data_type, ws["C13"].data_type, ws["E13"].data_type,
             ws["D13"].is_date)
    check("sheet 1: cell types (number, text, number, date)",
          types == ("n", "s", "n", True), [types])
    check("sheet 1: 20 people in rows 13-32, the total in row 33",
          [ws.cell(13 + i, 1).value for i in range(20)] ==
          list(range(1, 21)) and ws.max_row == 35, [ws.max_row])


def layout(ws):
    merged = sorted(str(r) for r in ws.merged_cells.ranges)
    check("sheet 1: merged ranges A2:E2, A33:D33",
          merged == ["A2:E2", "A33:D33"], merged)
    check("sheet 1: print titles rows 11-12",
          ws.print_title_rows == "$11:$12", [ws.print_title_rows])
    check("sheet 1: rows 1-12 frozen", ws.freeze_panes == "A13",
          [ws.freeze_panes])
    ps = ws.page_setup
    got = (ps.orientation, str(ps.paperSize), ps.fitToWidth, ps.fitToHeight,
           ws.sheet_properties.pageSetUpPr.fitToPage,
           ws.print_options.horizontalCentered,
           (ws.page_margins.left, ws.page_margins.top,
            ws.page_margins.bottom), ws.oddFooter.center.text)
    want = ("landscape", "9", 1, 0, True, True, (0.3, 0.5, 0.6),
            "Trang &P/&N")
    check("sheet 1: A4 landscape, one page wide, centred, margins, footer",
          got == want, [got])
    w = {k: d.width for k, d in ws.column_dimensions.items()}
    check("sheet 1: column widths (as libxlsxwriter converts them)",
          w.get("A") == 5.7109375 and w.get("B") == 30.7109375 and
          w.get("C") == 14.7109375 and ws.column_dimensions["C"].max == 5,
          [w])
    h = (ws.row_dimensions[2].height, ws.row_dimensions[11].height)
    check("sheet 1: row heights 28 and 54", h == (28, 54), [h])


def styles(ws, ws2):
    t, h, e, d, c, b = (ws["A2"], ws["A11"], ws["E13"], ws["D13"],
                        ws["C13"], ws["B13"])
    got = [
        (t.font.name, t.font.sz, t.font.b, t.alignment.horizontal),
        (h.font.b, h.alignment.wrap_text, h.border.top.style),
        (e.number_format, [getattr(e.border, s).style
                           for s in ("left", "right", "top", "bottom")]),
        (d.number_format, d.alignment.horizontal, d.alignment.vertical),
        (c.number_format, b.alignment.wrap_text, b.alignment.horizontal),
        (ws["A4"].font.name, ws["A4"].border.left.style),
        (ws2["F2"].number_format, ws2["F2"].font.name, ws2["F2"].font.i),
    ]
    want = [
        ("Times New Roman", 14, True, "center"),
        (True, True, "thin"),
        ("#,##0", ["thin"] * 4),
        ("dd/mm/yyyy", "center", "center"),
        ("@", True, "left"),
        ("Times New Roman", None),
        ("0%", "Arial", True),
    ]
    check("fonts, borders, alignment and number formats", got == want,
          ["%r != %r" % (g, w) for g, w in zip(got, want) if g != w])


def chart_part(chart):
    if chart is None:
        check("the chart: xl/charts/chart1.xml is there", False)
        return
    bar = chart.findall(".//%sbarChart" % C)
    line = chart.findall(".//%slineChart" % C)
    refs = [f.text for f in chart.iter(C + "f")]
    got = (len(bar), len(line),
           [b.find(C + "barDir").get("val") for b in bar],
           [len(b.findall(C + "ser")) for b in bar],
           [len(x.findall(C + "ser")) for x in line], refs)
    want = (1, 1, ["col"], [1], [1],
            ["'Độ bao phủ'!$C$2:$C$4", "'Độ bao phủ'!$F$2:$F$4",
             "'Độ bao phủ'!$C$2:$C$4", "'Độ bao phủ'!$G$2:$G$4"])
    check("the chart: a column series and a line series on the table",
          got == want, [got])


def main():
    path = sys.argv[1]
    chart = parts(path)
    wb = openpyxl.load_workbook(path)
    check("the sheets, in order", wb.sheetnames == ["D03-TS BT",
                                                    "Độ bao phủ"],
          wb.sheetnames)
    ws, ws2 = wb.worksheets
    values(ws)
    layout(ws)
    styles(ws, ws2)
    cov = [(ws2.cell(r, 3).value, ws2.cell(r, 6).value,
            ws2.cell(r, 7).value) for r in range(2, 5)]
    check("sheet 2: the coverage table", cov == [
        ("Xã A", 0.85, 0.9), ("Xã B", 0.9, 0.9),
        ("Thị trấn C", 0.95, 0.9)] and ws2.freeze_panes is None and
        ws2.print_title_rows is None, [cov])
    chart_part(chart)
    charts = [(type(c).__name__, [type(x).__name__ for x in c._charts],
               [s.tx.v for x in c._charts for s in x.ser],
               c.title.tx.rich.p[0].r[0].t, c.anchor._from.row,
               c.anchor._from.col, c.y_axis.numFmt.formatCode,
               c.legend.position) for c in ws2._charts]
    check("openpyxl reads the chart on sheet 2", charts == [(
        "BarChart", ["BarChart", "LineChart"],
        ["Tỷ lệ bao phủ BHYT", "Chỉ tiêu"],
        "Tỷ lệ bao phủ BHYT so với chỉ tiêu", 5, 1, "0%", "b")] and
        not ws._charts, charts)
    p = wb.properties
    got = (p.title, p.subject, p.creator, p.created)
    check("document properties", got == (
        "Danh sách", "D03-TS", "doisoat", datetime.datetime(2024, 7, 1)),
        [got])
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
