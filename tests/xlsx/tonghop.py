#!/usr/bin/python3
"""tests/xlsx/tonghop.py DIR GROUPS.csv: read back the district's summary
workbook DIR/lists/tong-hop.xlsx (etl/tonghop.h, spec §6.1, §7, §9) with
openpyxl and check it against the CSV lists and the filing units'
workbooks (lists/*.xlsx) beside it.  Prints "ok - NAME" or "not ok -
NAME" with detail lines starting with "#"; exit status 1 on a failure.

Checked: sheet names and headings; print setup; every total the sum of
its rows; the head count per commune and group against increase, change
and renew (funding classes 3-5, a group change once, in its new group);
the part "on the lists" equal, per source, to the money printed on the
D03-TS sheets of every lists/*.xlsx; the coverage table equal to
coverage.csv; the chart's series pointing at the table's columns; every
uninsured person on their commune's sheet, once; every review.csv row in
the section "Cần xem xét" of its commune's sheet (or "Chưa rõ xã"), once,
with its name, birth date, IDs, source and line, and a reason and what to
check in Vietnamese, the same for every row of one reason code, never the
English detail."""
import glob
import os
import re
import sys
import zipfile
from collections import Counter

import openpyxl

from tap import FAILED, check, rows

NAME = "lists/tong-hop.xlsx"
BUY_HEAD = ["STT", "Mã xã", "Tên xã", "Mã đối tượng", "Đối tượng",
            "Nguồn đóng", "Số người", "Trong đó: tăng mới (D03-TS)",
            "Số tháng", "Số tiền", "NSNN đóng", "NSNN hỗ trợ",
            "NSĐP hỗ trợ thêm", "Người tham gia đóng"]
COV_HEAD = ["STT", "Mã xã", "Tên xã", "Dân số", "Số người có thẻ BHYT",
            "Tỷ lệ bao phủ", "Chỉ tiêu", "Tỷ lệ đạt so với chỉ tiêu",
            "Số người cần vận động thêm"]
UNI_HEAD = ["STT", "Mã hộ", "Họ và tên", "Ngày sinh", "Giới tính",
            "Mã định danh cá nhân", "Ghi chú"]
REV_HEAD = ["STT", "Nguồn (tệp, dòng)", "Họ và tên", "Ngày sinh",
            "Mã số BHXH", "Số CCCD (định danh)", "Lý do", "Việc cần làm"]
REV_TITLE = "Cần xem xét"
NO_COMMUNE = "Chưa rõ xã"
# Letters only Vietnamese has (a text without any is not Vietnamese).
VI_LETTERS = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
                 "ùúủũụừứửữựỳýỷỹỵ")
EN_WORDS = re.compile(r"\b(the|and|of|is|with|not|no|in|to|row|card|"
                      r"person|registry|group)\b", re.I)




def values(ws, r):
    return [c.value for c in ws[r]]


def setup_ok(ws, head_row):
    ps = ws.page_setup
    return ps.orientation == "landscape" and str(ps.paperSize) == "9" and \
        ws.print_title_rows == "$%d:$%d" % (head_row, head_row) and \
        ws.sheet_properties.pageSetUpPr.fitToPage


def want_holders(d, groups):
    """(commune, group) -> head count, from the CSV lists."""
    c = Counter()
    for name in ("increase", "change", "renew"):
        for r in rows(os.path.join(d, name + ".csv")):
            if groups.get(r["group_code"], 0) in (3, 4, 5):
                c[(r["commune_code"], r["group_code"])] += 1
    return c


def lists_money(d, groups):
    """Money and head count of the TM rows of every D03-TS sheet of
    classes 3-5: [heads, amount, NSNN, NSĐP, participant]."""
    tot = [0] * 5
    for p in sorted(glob.glob(os.path.join(d, "lists", "*.xlsx"))):
        if os.path.basename(p) == os.path.basename(NAME):
            continue
        wb = openpyxl.load_workbook(p, read_only=True)
        for ws in wb.worksheets:
            if not ws.title.startswith("D03-TS "):
                continue
            grp = ws.title.split()[-1]
            for row in ws.iter_rows(min_row=13, values_only=True):
                if len(row) < 22 or not isinstance(row[0], (int, float)) \
                        or row[18] != "TM":
                    continue
                if groups.get(grp, 0) not in (3, 4, 5):
                    continue
                tot[0] += 1
                for k, c in enumerate((10, 19, 20, 21)):
                    tot[k + 1] += row[c] or 0
        wb.close()
    return tot


def check_buy(ws, d, groups):
    check("sheet 'Đề nghị mua thẻ': title and headings",
          str(ws["A1"].value).startswith("DANH SÁCH ĐỀ NGHỊ MUA THẺ BHYT")
          and values(ws, 4)[:14] == BUY_HEAD, [values(ws, 4)])
    check("sheet 'Đề nghị mua thẻ': A4 landscape, one page wide, "
          "headings repeated", setup_ok(ws, 4))
    data, lines, money, footer = [], {}, {}, False
    for r in ws.iter_rows(min_row=5, values_only=True):
        footer = footer or str(r[0]).startswith("KINH PHÍ THEO NGUỒN")
        if footer:
            if r[0] and isinstance(r[9], (int, float)):
                money[r[0]] = r[9]
        elif isinstance(r[0], (int, float)):
            data.append(r)
        elif r[0] in ("Tổng cộng", "Gia hạn, điều chỉnh") or \
                str(r[0]).startswith("Trong đó"):
            lines[str(r[0]).split(":")[0]] = r
    bad = [r[:4] for r in data
           if r[9] != r[10] + r[11] + r[12] + r[13]]
    check("every row's money is the sum of its sources", not bad, bad)
    sums = [sum(r[c] for r in data) for c in range(6, 14)]
    tot = lines.get("Tổng cộng")
    check("Tổng cộng is the sum of the rows (heads, months, money)",
          tot is not None and list(tot[6:14]) == sums, [tot, sums])
    part, rest = lines.get("Trong đó"), lines.get("Gia hạn, điều chỉnh")
    check("the part on the lists and the rest add up to Tổng cộng",
          part and rest and tot and
          [a + b for a, b in zip(part[6:14], rest[6:14])] ==
          list(tot[6:14]), [part, rest])
    got = Counter({(r[1], r[3]): r[6] for r in data})
    want = want_holders(d, groups)
    check("head count per commune and group = increase + change + renew "
          "(funding classes 3-5)", got == want,
          ["%r: got %r want %r" % (k, got.get(k), want.get(k))
           for k in set(got) | set(want) if got.get(k) != want.get(k)])
    lm = lists_money(d, groups)
    mine = part and [part[7], part[9], part[10] + part[11], part[12],
                     part[13]]
    check("the summary's money on the lists per source = the sum of "
          "the lists' D03-TS workbooks (heads, amount, NSNN, NSĐP, "
          "participants)", mine == lm, [mine, lm])
    src = [money.get(k) for k in (
        "Ngân sách nhà nước đóng", "Ngân sách nhà nước hỗ trợ",
        "Ngân sách địa phương hỗ trợ thêm", "Người tham gia đóng")]
    check("the budget per source equals the Tổng cộng row",
          tot is not None and src == list(tot[10:14]) and
          money.get("Tổng cộng") == tot[9] and
          money.get("Ngân sách đề nghị phê duyệt (nhà nước và địa "
                    "phương)") == tot[10] + tot[11] + tot[12], [src, tot])
    check("the approving body is named",
          any(str(r[0]).startswith("Cơ quan phê duyệt: ")
              for r in ws.iter_rows(values_only=True)))


def check_cov(ws, d, zpath):
    check("sheet 'Độ bao phủ': headings, print setup",
          values(ws, 4)[:9] == COV_HEAD and setup_ok(ws, 4),
          [values(ws, 4)])
    want = rows(os.path.join(d, "coverage.csv"))
    got, bad = [], []
    for r in ws.iter_rows(min_row=5, max_row=4 + len(want),
                          values_only=True):
        got.append(r)
    for w, g in zip(want, got):
        code = "" if w["commune_code"] == "TOTAL" else w["commune_code"]
        name = "Tổng cộng" if w["commune_code"] == "TOTAL" else \
            w["commune_name"]
        pcts = [round(g[k] * 100, 2) if g[k] is not None else None
                for k in (5, 6, 7)]
        wp = [float(w[k]) if w[k] else None for k in (
            "coverage_pct", "target_pct", "pct_of_target")]
        if (g[1] or "") != code or \
                (g[2] if code else g[0]) != name or \
                g[3] != int(w["population"]) or \
                g[4] != int(w["insured"]) or pcts != wp or \
                (g[8] if g[8] is not None else "") != \
                (int(w["remaining"]) if w["remaining"] else ""):
            bad.append((w, g))
    check("the coverage table is coverage.csv, TOTAL last",
          len(got) == len(want) and not bad, bad)
    n = len(want) - 1
    with zipfile.ZipFile(zpath) as z:
        charts = [x for x in z.namelist() if
                  re.match(r"xl/charts/chart\d+\.xml$", x)]
        xml = z.read(charts[0]).decode() if charts else ""
    refs = re.findall(r"<c:f>([^<]*)</c:f>", xml)
    want_refs = ["'Độ bao phủ'!$C$5:$C$%d" % (4 + n),
                 "'Độ bao phủ'!$F$5:$F$%d" % (4 + n),
                 "'Độ bao phủ'!$G$5:$G$%d" % (4 + n)]
    check("a native chart (<c:barChart>) of coverage and target per "
          "commune points at the table's columns",
          len(ws._charts) == 1 and "<c:barChart>" in xml and
          all(r in refs for r in want_refs), [refs, want_refs])
    bar = re.search(r"<c:barChart>.*</c:barChart>", xml)
    line = re.search(r"<c:lineChart>.*</c:lineChart>", xml)
    check("the coverage is the columns, the target a line over them",
          bar is not None and line is not None and
          want_refs[1] in bar.group(0) and want_refs[2] in line.group(0) and
          want_refs[2] not in bar.group(0), xml[:300])


def sections(ws):
    """The numbered rows of a commune sheet: (uninsured, review)."""
    uni, rev, part = [], [], None
    for r in ws.iter_rows(min_row=4, values_only=True):
        if r[0] == "STT":
            part = rev if r[1] == REV_HEAD[1] else uni
        elif r[0] == REV_TITLE:
            part = None
        elif isinstance(r[0], (int, float)) and part is not None:
            part.append(r)
    return uni, rev


def iso(v):
    """A workbook date cell back as review.csv writes it."""
    if v is None:
        return ""
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    m = re.match(r"^(\d\d)/(\d{4})$", str(v))
    return "%s-%s" % (m.group(2), m.group(1)) if m else str(v)


def commune_sheets(wb):
    return {(NO_COMMUNE if ws.title == NO_COMMUNE else ws.title.split()[0]):
            ws for ws in wb.worksheets[2:]}


def check_uni(wb, d):
    want = {}
    for r in rows(os.path.join(d, "uninsured.csv")):
        want.setdefault(r["commune_code"], []).append(r)
    revs = {r["commune_code"] or NO_COMMUNE
            for r in rows(os.path.join(d, "review.csv"))}
    names = commune_sheets(wb)
    check("one sheet per commune with uninsured people or review rows, "
          "named '<code> <name>', and 'Chưa rõ xã'",
          sorted(names) == sorted(set(want) | revs),
          [sorted(names), sorted(set(want) | revs)])
    bad = []
    for code, people in sorted(want.items()):
        ws = names.get(code)
        if ws is None:
            continue
        if values(ws, 4)[:7] != UNI_HEAD or not setup_ok(ws, 4):
            bad.append("%s: headings or print setup" % ws.title)
        got = sections(ws)[0]
        g = Counter((r[5] or "", r[2], r[1] or "") for r in got)
        w = Counter((p["person_id"], p["full_name"],
                     p["household_code"]) for p in people)
        if g != w:
            bad.append("%s: %d rows, %d uninsured" % (ws.title, len(got),
                                                      len(people)))
        hh = [r[1] or "~" for r in got]
        if hh != sorted(hh):
            bad.append("%s: not grouped by household" % ws.title)
        if any(r[5] is not None and not isinstance(r[5], str)
               for r in got):
            bad.append("%s: an ID is not a text cell" % ws.title)
    for code, ws in sorted(names.items()):
        if code not in want and (values(ws, 5)[:8] != REV_HEAD or
                                 not setup_ok(ws, 5)):
            bad.append("%s: review headings or print setup" % ws.title)
    check("every uninsured person is on their commune's sheet, once, "
          "grouped by household, IDs as text", not bad, bad)


def vietnamese(text):
    return bool(text) and any(ch in VI_LETTERS for ch in text.lower()) \
        and not EN_WORDS.search(text)


def check_review(wb, d):
    """Every review.csv row once, on its commune's sheet, in Vietnamese."""
    review = rows(os.path.join(d, "review.csv"))
    names = commune_sheets(wb)
    bad, texts = [], {}
    for code, ws in sorted(names.items()):
        got = sections(ws)[1]
        want = [r for r in review
                if (r["commune_code"] or NO_COMMUNE) == code]
        g = Counter()
        for r in got:
            m = re.match(r"^(.*), dòng (\d+)$", r[1] or "")
            src, line = (m.group(1), m.group(2)) if m else (r[1], "")
            g[(src, line, r[2] or "", iso(r[3]), r[4] or "",
               r[5] or "")] += 1
        w = Counter((r["source"], r["line"], r["full_name"], r["dob"],
                     r["bhxh_code"], r["person_id"]) for r in want)
        if g != w:
            bad.append("%s: %d review rows on the sheet, %d in review.csv; "
                       "missing %s; extra %s" %
                       (ws.title, len(got), len(want),
                        sorted(w - g)[:3], sorted(g - w)[:3]))
        if [r[0] for r in got] != list(range(1, len(got) + 1)):
            bad.append("%s: STT not 1..n" % ws.title)
        # the rows keep review.csv's order: match them up to read the code
        for r, c in zip(got, want):
            texts.setdefault(c["reason"], set()).add((r[6], r[7]))
            if c["detail"] and c["detail"] in (r[6] or "", r[7] or ""):
                bad.append("%s: the English detail is printed" % ws.title)
    check("every review.csv row is once on its commune's sheet (or '%s'), "
          "with name, birth date, IDs, source and line" % NO_COMMUNE,
          not bad and sum(len(sections(ws)[1]) for ws in names.values())
          == len(review), bad)
    bad = []
    for code, t in sorted(texts.items()):
        if len(t) != 1:
            bad.append("%s: %d different texts" % (code, len(t)))
        for why, what in t:
            if not vietnamese(why) or not vietnamese(what):
                bad.append("%s: not Vietnamese: %r / %r" % (code, why, what))
    want_codes = {r["reason"] for r in review}
    check("each review reason has one Vietnamese reason and what to check "
          "(no English)", not bad and set(texts) == want_codes,
          bad + [sorted(want_codes - set(texts))])


def main():
    d = sys.argv[1]
    groups = {r["code"]: int(r["funding_class"])
              for r in rows(sys.argv[2])}
    path = os.path.join(d, NAME)
    check("the run wrote " + NAME, os.path.exists(path))
    if not os.path.exists(path):
        return 1
    wb = openpyxl.load_workbook(path)
    titles = [ws.title for ws in wb.worksheets]
    check("sheets 'Đề nghị mua thẻ', 'Độ bao phủ', then one per commune",
          titles[:2] == ["Đề nghị mua thẻ", "Độ bao phủ"], titles)
    check_buy(wb.worksheets[0], d, groups)
    check_cov(wb.worksheets[1], d, path)
    check_uni(wb, d)
    check_review(wb, d)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
