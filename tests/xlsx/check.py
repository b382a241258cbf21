#!/usr/bin/python3
"""tests/xlsx/check.py DIR GROUPS.csv [UNITS.csv [MONEY.tsv]]: read back every
lists/*.xlsx of an output folder (openpyxl) and check it against the CSV
lists beside it (spec §6.1, etl/lists.h).  Prints "ok - NAME" or
"not ok - NAME" and detail lines starting with "#"; exit status 1 when a
check failed.

The unit and form of every row is computed here again, independently of
etl/lists.c, from increase.csv, decrease.csv, change.csv and groups.csv;
each must be on exactly the sheet that says, with its plan code and note,
and nowhere else.  On D03-TS every money row's amount is the sum of
who pays it and every Cộng row the sum of its rows; on D02-LT a row's
amount is the employer's and the worker's shares, given only with a wage
and months, and the wage is increase.csv's.  MONEY.tsv (person_id,
group, amount, state, local, participant; on D02-LT person_id, group,
amount, employer, worker or "- - -" for empty cells; hand-computed)
gives some persons' money to the đồng."""
import glob
import os
import sys
from collections import Counter

import openpyxl

from tap import FAILED, check, rows



D03_HEAD = ["STT", "Họ và tên", "Mã số BHXH", "Số CCCD/ĐDCN/hộ chiếu",
            "Ngày, tháng, năm sinh", "Giới tính", "Địa chỉ",
            "Nơi đăng ký KCB ban đầu", "Ngày biên lai", "Số biên lai",
            "Số tiền", "NSĐP hỗ trợ thêm", "Hỗ trợ khác", "Từ tháng",
            "Số tháng", "Mã số nhân viên thu", "Ghi chú", "Mã thẻ BHYT",
            "Phương án", "NSNN đóng, hỗ trợ", "NSĐP đóng, hỗ trợ",
            "Người tham gia đóng"]
D03_NO = ["A", "B"] + [str(i) for i in range(1, 16)] + \
    ["(%d)" % i for i in range(16, 21)]
D02_FIRST = ["STT", "Họ và tên", "Mã số BHXH", "Ngày tháng năm sinh",
             "Giới tính", "Số CCCD/ CMND/ Hộ chiếu"]
FORMS = {
    "D03-TS": ("Mẫu D03-TS", "DANH SÁCH NGƯỜI CHỈ THAM GIA BHYT",
               "Quyết định số 595/QĐ-BHXH"),
    "D02-LT": ("Mẫu D02-LT", "BÁO CÁO TÌNH HÌNH SỬ DỤNG LAO ĐỘNG VÀ "
               "DANH SÁCH THAM GIA BHXH, BHYT, BHTN",
               "Quyết định số 1040/QĐ-BHXH"),
    "Điều chỉnh": ("Danh sách điều chỉnh",
                   "DANH SÁCH ĐIỀU CHỈNH THÔNG TIN THẺ BHYT", ""),
}
GH_NOTES = {
    "DEATH": "Chết ngày ", "MISSING": "Mất tích", "MOVED_OUT": "Chuyển đi",
    "AGED_OUT": "Hết tuổi trẻ em dưới 6 tuổi",
    "AREA_NOT_ELIGIBLE": "Xã không còn thuộc vùng",
    "NOT_ON_ROSTER": "Không còn trong danh sách",
    "DUPLICATE_CARD": "Trùng thẻ, giữ thẻ ",
}


def load_groups(path):
    g = {}
    for r in rows(path):
        g[r["code"]] = (int(r["funding_class"]),
                        r.get("residence_based", "") in ("y", "yes", "1"))
    return g


def unit_of(groups, agents, code, commune, unit, card_unit=""):
    """spec §6.1 "Which unit files a row", as etl/lists.h says it."""
    if card_unit:
        return card_unit
    if code not in groups:
        return "chua-ro-don-vi"
    funding, residence = groups[code]
    home = commune or "chua-ro-don-vi"
    if code in ("HS", "SV"):
        return unit or home
    if residence:
        return unit if code == "GD" and unit in agents else home
    if funding == 1:
        return unit or "chua-ro-don-vi"
    if funding == 2:
        return "bhxh"
    return unit or home


def expected(d, groups, agents):
    """(file, sheet, plan, id, card, note start) of every filed row."""
    out = []

    def add(unit, grp, plan, r, note):
        f = "%s.xlsx" % unit
        form = "D02-LT" if groups.get(grp, (0,))[0] == 1 else \
            "D03-TS " + grp
        out.append((f, form, plan, r["person_id"] or r["bhxh_code"],
                    r.get("card_code", ""), note))

    for r in rows(os.path.join(d, "increase.csv")):
        add(unit_of(groups, agents, r["group_code"], r["commune_code"],
                    r["unit_code"]), r["group_code"], "TM", r, "Tăng mới")
    for r in rows(os.path.join(d, "decrease.csv")):
        add(unit_of(groups, agents, r["group_code"], r["commune_code"],
                    r["unit_code"], r["unit_code"]), r["group_code"], "GH",
            r, GH_NOTES[r["reason"]])
    adj = []
    for r in rows(os.path.join(d, "change.csv")):
        if r["reason"] == "GROUP_CHANGED":
            add(unit_of(groups, agents, r["old_group_code"],
                        r["commune_code"], r["old_unit_code"],
                        r["old_unit_code"]), r["old_group_code"], "GH", r,
                "Chuyển sang đối tượng " + r["group_code"])
            add(unit_of(groups, agents, r["group_code"], r["commune_code"],
                        r["unit_code"]), r["group_code"], "TM", r,
                "Chuyển từ đối tượng " + r["old_group_code"])
        else:
            u = unit_of(groups, agents, r["group_code"], r["commune_code"],
                        r["unit_code"])
            adj.append(("%s.xlsx" % u, "Điều chỉnh",
                        r["person_id"] or r["bhxh_code"], r["card_code"], r))
    return out, adj


def text(ws, ref):
    v = ws[ref].value
    return "" if v is None else str(v)


def form_of(title):
    for k in FORMS:
        if title.startswith(k):
            return k
    return None


def check_sheet(ws, fname, units, got, got_adj, bad, money):
    """Header, headings, rows and totals of one sheet."""
    form = form_of(ws.title)
    where = "%s#%s" % (fname, ws.title)
    if form is None:
        bad.append(where + ": not a form sheet")
        return
    name, title, issued = FORMS[form]
    right = [c for c in ws[1] if c.value]
    if len(right) < 2 or right[1].value != name:
        bad.append(where + ": form name is not " + name)
    if issued and issued not in " ".join(str(c.value) for c in ws[2]
                                         if c.value):
        bad.append(where + ": no 'Ban hành kèm theo " + issued + "'")
    if text(ws, "A6") != title:
        bad.append(where + ": title %r" % text(ws, "A6"))
    for ref, start in (("A1", "TÊN ĐƠN VỊ SỬ DỤNG LAO ĐỘNG: "
                        if form == "D02-LT" else "Tên đơn vị: "),
                       ("A2", "Mã đơn vị: "), ("A3", "Địa chỉ: "),
                       ("A4", "Điện thoại: "), ("A5", "Số: ")):
        if not text(ws, ref).startswith(start):
            bad.append("%s: %s is %r" % (where, ref, text(ws, ref)))
    unit = fname[:-len(".xlsx")]
    if unit in units and units[unit]["unit_name"] and \
            units[unit]["unit_name"] not in text(ws, "A1"):
        bad.append(where + ": the units file's name is not in A1")
    if unit in units and units[unit]["address"] and \
            units[unit]["address"] not in text(ws, "A3"):
        bad.append(where + ": the units file's address is not in A3")
    if form == "D03-TS":
        grp = ws.title.split()[-1]
        if not text(ws, "A8").endswith("Mã đối tượng: " + grp):
            bad.append(where + ": A8 does not name group " + grp)
        if not text(ws, "A9").startswith("Nguồn đóng: "):
            bad.append(where + ": A9 is not the funding source")
        if not text(ws, "A10").startswith("Lương cơ sở: "):
            bad.append(where + ": A10 is not the base salary line")
        heads = [c.value for c in ws[11]][:len(D03_HEAD)]
        nos = [c.value for c in ws[12]][:len(D03_NO)]
        if heads != D03_HEAD or nos != D03_NO:
            bad.append(where + ": D03-TS column headings %r %r" %
                       (heads, nos))
    elif form == "D02-LT":
        heads = [c.value for c in ws[11]]
        if heads[:6] != D02_FIRST or heads[26] != "Ghi chú" or \
                [c.value for c in ws[12]][:27] != \
                [str(i) for i in range(1, 28)]:
            bad.append(where + ": D02-LT column headings %r" % heads[:6])
    # the headings print whole: their row holds the longest one, at
    # about 0.8 character per unit of column width and 13 points a line
    need = 0
    for c in ws[11]:
        w = ws.column_dimensions[c.column_letter].width or 8.43
        if c.value:
            need = max(need, 13 * (len(c.value) // int(w * 0.8) + 1))
    ht = ws.row_dimensions[11].height or 15
    if ht < need:
        bad.append(where + ": heading row %s pt, the headings need %d" %
                   (ht, need))
    ps = ws.page_setup
    if ps.orientation != "landscape" or str(ps.paperSize) != "9" or \
            ws.print_title_rows != "$11:$12" or \
            not ws.sheet_properties.pageSetUpPr.fitToPage:
        bad.append(where + ": not A4 landscape, one page wide, headers "
                   "repeated")
    if form == "Điều chỉnh":
        check_adj(ws, fname, got_adj, bad)
    else:
        check_form(ws, fname, form, got, bad, money)


MONEY_COLS = (10, 11, 19, 20, 21)  # K L T U V: amount, NSĐP, shares
# D02-LT: (32) amount, (33) employer, (34) worker; (12) the wage
MONEY_COLS2 = (31, 32, 33)
D02_WAGE, D02_MONTHS = 11, 30


WAGES = []  # (person_id, wage cell) of every D02-LT TĂNG row


def money_of(row, form="D03-TS"):
    return tuple(row[c].value
                 for c in (MONEY_COLS if form == "D03-TS" else MONEY_COLS2))


def check_form(ws, fname, form, got, bad, money=None):
    where = "%s#%s" % (fname, ws.title)
    width = 5 if form == "D03-TS" else 3
    sums = {"I. TĂNG": [0] * width, "II. GIẢM": [0] * width}
    plan_col = 18 if form == "D03-TS" else 29
    note_col = 16 if form == "D03-TS" else 26
    card_col = 17 if form == "D03-TS" else 27
    section, n, counts = None, 0, {}
    for row in ws.iter_rows(min_row=13):
        a, b = row[0].value, row[1].value
        if a in ("I. TĂNG", "II. GIẢM"):
            section, n = a, 0
            continue
        if b in ("Cộng tăng", "Cộng giảm", "Tổng cộng"):
            m = money_of(row, form)
            want = sums[section] if b != "Tổng cộng" else \
                [x + y for x, y in zip(sums["I. TĂNG"], sums["II. GIẢM"])]
            if any(v is not None for v in m) or any(want):
                if [v or 0 for v in m] != want:
                    bad.append("%s: %s money %r, rows sum to %r" %
                               (where, b, m, want))
        if b in ("Cộng tăng", "Cộng giảm", "Tổng cộng"):
            counts[b] = a
            if b != "Tổng cộng" and a != n:
                bad.append("%s: %s says %r, %d rows above" % (where, b, a,
                                                             n))
            continue
        if section is None or not isinstance(a, (int, float)):
            continue
        n += 1
        if a != n:
            bad.append("%s: STT %r where %d" % (where, a, n))
        if form == "D02-LT":
            m = money_of(row, form)
            wage, months = row[D02_WAGE].value, row[D02_MONTHS].value
            if m[0] is not None:
                sums[section] = [x + (v or 0) for x, v in
                                 zip(sums[section], m)]
                if m[0] != m[1] + m[2] or not wage or not months or \
                        section != "I. TĂNG":
                    bad.append("%s row %d: amount %r is not employer + "
                               "worker %r, or no wage %r, months %r" %
                               (where, row[0].row, m[0], m[1:], wage,
                                months))
            elif any(v is not None for v in m) or months is not None:
                bad.append("%s row %d: money %r without an amount" %
                           (where, row[0].row, m))
            if money is not None:
                money[(str(row[5].value or row[2].value),
                       str(row[28].value))] = m
            if section == "I. TĂNG":
                WAGES.append((str(row[5].value or row[2].value), wage))
        if form == "D03-TS":
            m = money_of(row)
            if m[0] is not None:
                sums[section] = [x + (v or 0) for x, v in
                                 zip(sums[section], m)]
                if m[0] != (m[2] or 0) + (m[4] or 0) + (m[3] or 0) or \
                        m[1] != m[3]:
                    bad.append("%s row %d: amount %r is not the sum of "
                               "who pays %r" % (where, row[0].row, m[0],
                                                m[2:]))
            if money is not None:
                money[(str(row[3].value or row[2].value),
                       ws.title.split()[-1])] = m
        plan = row[plan_col].value
        if plan != ("TM" if section == "I. TĂNG" else "GH"):
            bad.append("%s row %d: plan %r in %s" % (where, row[0].row,
                                                      plan, section))
        for c in (2, 3 if form == "D03-TS" else 5):
            if row[c].value is not None and not isinstance(row[c].value,
                                                           str):
                bad.append("%s row %d: an ID is not a text cell" %
                           (where, row[0].row))
        got.append((fname, "D02-LT" if form == "D02-LT" else ws.title,
                    plan, row[3 if form == "D03-TS" else 5].value or
                    row[2].value, row[card_col].value or "",
                    str(row[note_col].value or "")))
    tong = counts.get("Tổng cộng")
    if tong != (counts.get("Cộng tăng") or 0) + (counts.get("Cộng giảm")
                                                 or 0) or \
            "Cộng tăng" not in counts or "Cộng giảm" not in counts:
        bad.append("%s: totals %r" % (where, counts))


def check_adj(ws, fname, got_adj, bad):
    n = 0
    for row in ws.iter_rows(min_row=13):
        a = row[0].value
        if row[1].value == "Tổng cộng":
            if a != n:
                bad.append("%s: Tổng cộng %r, %d rows" % (fname, a, n))
            continue
        if not isinstance(a, (int, float)):
            continue
        n += 1
        olds = {}
        for k, field in enumerate(("full_name", "dob", "sex",
                                   "benefit_level", "hospital_code",
                                   "commune_code")):
            old, new = row[6 + 2 * k].value, row[7 + 2 * k].value
            if old is not None or new is not None:
                olds[field] = (old, new)
        got_adj.append((fname, "Điều chỉnh", row[3].value or row[2].value,
                        row[4].value or "", olds))


def main():
    d, groups_csv = sys.argv[1], sys.argv[2]
    units = {}
    if len(sys.argv) > 3 and sys.argv[3]:
        units = {r["unit_code"]: r for r in rows(sys.argv[3])}
    agents = {k for k, v in units.items() if v.get("kind") == "agent"}
    groups = load_groups(groups_csv)
    # the district summary is checked by tests/xlsx/tonghop.py
    files = sorted(f for f in glob.glob(os.path.join(d, "lists", "*.xlsx"))
                   if os.path.basename(f) != "tong-hop.xlsx")
    check("the run wrote lists/*.xlsx", files)
    got, got_adj, bad, money = [], [], [], {}
    for p in files:
        wb = openpyxl.load_workbook(p)
        for ws in wb.worksheets:
            check_sheet(ws, os.path.basename(p), units, got, got_adj, bad,
                        money)
    check("every sheet: form name, 'Ban hành kèm theo', title, header "
          "fields, column headings, print setup, counts = rows, "
          "totals = sums, IDs as text", not bad, bad)
    want, want_adj = expected(d, groups, agents)
    w = Counter(x[:5] for x in want)
    g = Counter(x[:5] for x in got)
    check("every row of increase, decrease and change is on its unit's "
          "form and group sheet with its plan code, once, and nowhere "
          "else", w == g,
          ["missing %r" % (x,) for x in (w - g)] +
          ["extra %r" % (x,) for x in (g - w)])
    notes = {x[:5]: x[5] for x in got}
    badn = [(k, notes.get(k), x[5]) for x in want for k in [x[:5]]
            if not (notes.get(k) or "").startswith(x[5])]
    check("every row's note says why (Tăng mới, Chết ngày ..., Trùng thẻ, "
          "giữ thẻ ..., the other group of a group change)", not badn,
          badn)
    wa = sorted((a, b, c, e) for a, b, c, e, _ in want_adj)
    ga = sorted((a, b, c, e) for a, b, c, e, _ in got_adj)
    check("every correction is on its unit's corrections sheet, once",
          wa == ga, ["want %r" % (wa,), "got %r" % (ga,)])
    badv = []
    for (f, s, pid, card, r), (_, _, _, _, olds) in zip(
            sorted(want_adj, key=lambda x: x[:4]),
            sorted(got_adj, key=lambda x: x[:4])):
        for field in filter(None, r["changed_fields"].split(";")):
            old = olds.get(field, (None, None))[0]
            if old in (None, ""):
                badv.append((pid, field, "no old value"))
        if set(olds) != set(filter(None, r["changed_fields"].split(";"))):
            badv.append((pid, sorted(olds), r["changed_fields"]))
    check("a correction shows the old and the new value of each changed "
          "field, and only those", not badv, badv)
    inc = {r["person_id"] or r["bhxh_code"]: r
           for r in rows(os.path.join(d, "increase.csv"))}
    badw = [(pid, w, inc.get(pid, {}).get("wage")) for pid, w in WAGES
            if pid in inc and str(w or "") != inc[pid]["wage"]]
    check("every D02-LT row's wage is increase.csv's (%d rows, %d with a "
          "wage)" % (len(WAGES), sum(1 for _, w in WAGES if w)),
          WAGES and not badw, badw)
    if len(sys.argv) > 4:
        badm = []
        with open(sys.argv[4], encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                f = line.split()
                m = money.get((f[0], f[1]))
                if len(f) == 5:  # D02-LT: amount, employer, worker
                    want = tuple(int(v) for v in f[2:]) if f[2] != "-" \
                        else (None, None, None)
                else:
                    amount, state, local, part = f[2:]
                    want = (int(amount), int(local), int(state),
                            int(local), int(part))
                pid, grp = f[0], f[1]
                if m != want:
                    badm.append("%s %s: got %r, want %r" % (pid, grp, m,
                                                            want))
        check("money per person equals the hand-computed cases of %s" %
              os.path.basename(sys.argv[4]), not badm, badm)
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
