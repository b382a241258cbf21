#!/usr/bin/python3
"""tests/xlsx/sheetrows.py WHOLE SPLIT LIMIT [--lists]: sheets past the row
limit go on in parts (etl/lists.h, etl/tonghop.h).  WHOLE holds workbooks
written at the default limit, SPLIT the same lists written with
lists_test_sheet_rows(LIMIT) (tests/unit/test_sheetrows.c, SHEETROWS_KEEP);
--lists: SPLIT has the filing units' workbooks only.  For every sheet of
WHOLE, SPLIT has it in parts named "<name>", "<name> (2)", ... (the name
cut to 31 characters), and nothing else; every part within LIMIT rows,
with the first part's header block (rows 1-12 of a form, the title rows
of a commune sheet), column headings, merged header cells, print titles
and frozen rows; a part that starts within a section opens with its label
"(tiếp theo)" (a commune's uninsured: their headings; its review rows: the
label and headings); the parts' rows after that, joined, are the whole
sheet's rows, once each and in order; STT runs 1..n per section across
the parts; every Cộng row once, on the part of the section's last row,
its count n and its money the sums over all parts; Tổng cộng likewise,
and the signature block on the last part only; the summary's request and
coverage sheets whole.  Prints "ok - NAME" / "not ok - NAME"."""
import os
import sys

import openpyxl

from tap import FAILED, check

FIXED = ("Đề nghị mua thẻ", "Độ bao phủ")
SECTIONS = ("I. TĂNG", "II. GIẢM")
TOTALS = {"I. TĂNG": "Cộng tăng", "II. GIẢM": "Cộng giảm"}
MONEY = ("Số tiền", "NSĐP hỗ trợ thêm", "NSNN đóng, hỗ trợ",
         "NSĐP đóng, hỗ trợ", "Người tham gia đóng", "Số tiền đóng BHYT",
         "Đơn vị đóng", "Người lao động đóng")
REVIEW = "Cần xem xét"
CONT = " (tiếp theo)"


def part_name(base, k):
    """lists_part_name (lists.h)."""
    if k == 1:
        return base[:31]
    suffix = " (%d)" % k
    return base[:31 - len(suffix)].rstrip(" ") + suffix


def rows(ws):
    """The sheet's rows as tuples of values, trailing empty cells cut."""
    out = []
    for r in ws.iter_rows(values_only=True):
        r = list(r)
        while r and r[-1] in (None, ""):
            r.pop()
        out.append(tuple(r))
    return out


def merged_head(ws, head):
    return sorted(str(m) for m in ws.merged_cells.ranges if m.max_row <= head)


def cell(r, i):
    return r[i] if i < len(r) else None


class Sheet:
    """What a sheet is: its kind and how many rows its header block has."""

    def __init__(self, book, name):
        if book != "tong-hop.xlsx":
            self.kind = "adj" if name.startswith("Điều chỉnh") else "form"
            self.head = 12
        elif name in FIXED:
            self.kind, self.head = "fixed", 3
        else:
            self.kind, self.head = "commune", 3


def step(kind, state, r, uni_head):
    """The section in effect after row r (None: between sections)."""
    if kind == "form":
        if cell(r, 0) in SECTIONS:
            return cell(r, 0)
        if cell(r, 1) in TOTALS.values():
            return None
    if kind == "commune":
        if r == uni_head:
            return "uni"
        if cell(r, 0) == REVIEW:
            return "rev"
        if cell(r, 0) == "Cộng":
            return None
    return state


def join_parts(sh, whole, parts, bad):
    """The parts' rows after their header and continuation, joined, with
    the part each row is on; what is wrong into bad."""
    uni_head = whole[3] if sh.kind == "commune" and cell(whole[3], 1) == \
        "Mã hộ" else None
    rev_head = None
    for i, r in enumerate(whole):
        if cell(r, 0) == REVIEW:
            rev_head = whole[i + 1]
    joined, state = [], None
    for k, p in enumerate(parts):
        body = [r for r in p[sh.head:] if r]
        if k:
            if sh.kind == "form" and state:
                want = [(state + CONT,)]
            elif sh.kind == "commune" and state == "uni":
                want = [uni_head]
            elif sh.kind == "commune" and state == "rev":
                want = [(REVIEW + CONT,), rev_head]
            else:
                want = []
            if body[:len(want)] != want:
                bad.append("part %d opens %r, not %r" %
                           (k + 1, body[:len(want)], want))
            body = body[len(want):]
            if body and isinstance(cell(body[0], 0), str) and \
                    cell(body[0], 0).endswith(CONT):
                bad.append("part %d: a continuation out of a section" %
                           (k + 1))
        for r in body:
            state = step(sh.kind, state, r, uni_head)
            joined.append((k, r))
    return joined


def sections(sh, joined):
    """Per section: (label, data rows with their part, the Cộng row and its
    part); and the Tổng cộng rows with their parts."""
    out, cur, grand = [], None, []
    for k, r in joined:
        a, b = cell(r, 0), cell(r, 1)
        if sh.kind == "form" and a in SECTIONS:
            cur = [a, [], []]
            out.append(cur)
        elif sh.kind == "commune" and (b == "Mã hộ" or a == REVIEW):
            cur = ["uni" if b == "Mã hộ" else REVIEW, [], []]
            out.append(cur)
        elif sh.kind == "adj" and cur is None:
            cur = ["adj", [], []]
            out.append(cur)
        if b == "Tổng cộng":
            grand.append((k, r))
        elif b in TOTALS.values() or (sh.kind == "commune" and a == "Cộng"):
            cur[2].append((k, r))
        elif isinstance(a, int) and cur is not None:
            cur[1].append((k, r))
    return out, grand


def total_checks(name, sh, whole, parts, joined):
    bad = []
    heads = whole[10] if sh.head == 12 else ()
    money = [i for i, h in enumerate(heads) if h in MONEY]
    secs, grand = sections(sh, joined)
    last = len(parts) - 1
    for label, data, tot in secs:
        stt = [cell(r, 0) for _, r in data]
        if stt != list(range(1, len(data) + 1)):
            bad.append("%s: STT %r" % (label, stt))
        if sh.kind == "adj":
            continue  # its only total is Tổng cộng
        if len(tot) != 1:
            bad.append("%s: %d Cộng rows" % (label, len(tot)))
            continue
        k, t = tot[0]
        n = cell(t, 2) if sh.kind == "commune" else cell(t, 0)
        if n != len(data):
            bad.append("%s: Cộng %r for %d rows" % (label, n, len(data)))
        if data and data[-1][0] != k:
            bad.append("%s: Cộng on part %d, the last row on part %d" %
                       (label, k + 1, data[-1][0] + 1))
        for c in money:
            s = sum(cell(r, c) or 0 for _, r in data)
            if (cell(t, c) or 0) != s:
                bad.append("%s: column %d: %r, the rows sum %r" %
                           (label, c + 1, cell(t, c), s))
    if sh.kind in ("form", "adj"):
        data = [x for _, d, _ in secs for x in d]
        if len(grand) != 1 or grand[0][0] != last:
            bad.append("Tổng cộng %d times, on parts %r" %
                       (len(grand), [k + 1 for k, _ in grand]))
        else:
            t = grand[0][1]
            if cell(t, 0) != len(data):
                bad.append("Tổng cộng %r for %d rows" % (cell(t, 0),
                                                         len(data)))
            for c in money:
                s = sum(cell(r, c) or 0 for _, r in data)
                if (cell(t, c) or 0) != s:
                    bad.append("Tổng cộng column %d: %r, the rows %r" %
                               (c + 1, cell(t, c), s))
        signs = [k for k, p in enumerate(parts)
                 for r in p if cell(r, 0) == "NGƯỜI LẬP BIỂU"]
        if signs != [last]:
            bad.append("the signature block on parts %r" %
                       [k + 1 for k in signs])
    return ["%s: %s" % (name, b) for b in bad]


def compare_book(book, whole_path, split_path, limit, out):
    wb = openpyxl.load_workbook(whole_path)
    sb = openpyxl.load_workbook(split_path)
    names = sb.sheetnames
    i, bad_names = 0, []
    for ws in wb.worksheets:
        sh = Sheet(book, ws.title)
        parts = []
        while i < len(names) and names[i] == part_name(ws.title,
                                                        len(parts) + 1):
            parts.append(sb[names[i]])
            i += 1
        if not parts:
            bad_names.append("%s: no sheet %r at %d" % (book, ws.title, i))
            continue
        out["groups"].append((book, ws.title, sh, ws, parts))
        if len(parts) > 1:
            out["split"] += 1
            out["most"] = max(out["most"], len(parts))
    if i != len(names):
        bad_names.append("%s: sheets left over %r" % (book, names[i:]))
    folded = [n.casefold() for n in names]
    if len(set(folded)) != len(folded) or max(len(n) for n in names) > 31:
        bad_names.append("%s: names not unique or too long" % book)
    out["names"] += bad_names


def main(whole_dir, split_dir, limit, lists_only):
    books = sorted(f for f in os.listdir(whole_dir) if f.endswith(".xlsx"))
    if lists_only:
        books = [b for b in books if b != "tong-hop.xlsx"]
    got = sorted(f for f in os.listdir(split_dir) if f.endswith(".xlsx"))
    check("limit %d: the same workbooks (%d)" % (limit, len(books)),
          got == books, [got, books])
    out = {"groups": [], "names": [], "split": 0, "most": 1}
    for b in books:
        if b in got:
            compare_book(b, os.path.join(whole_dir, b),
                         os.path.join(split_dir, b), limit, out)
    check("limit %d: every sheet in parts named '<name>', '<name> (2)', ..."
          " (%d sheets in parts, up to %d parts), nothing else" %
          (limit, out["split"], out["most"]),
          not out["names"] and out["split"] > 0, out["names"])
    over, head, setup, joined_bad, totals = [], [], [], [], []
    for book, title, sh, ws, parts in out["groups"]:
        name = "%s#%s" % (book, title)
        whole = rows(ws)
        prows = [rows(p) for p in parts]
        for p, r in zip(parts, prows):
            if len(r) > limit:
                over.append("%s: %d rows" % (p.title, len(r)))
            if r[:sh.head] != whole[:sh.head] or \
                    merged_head(p, sh.head) != merged_head(ws, sh.head):
                head.append("%s#%s" % (book, p.title))
            # the print titles and frozen rows: the part's headings
            t = p.print_title_rows or ""
            at = int(t.split(":")[0].lstrip("$")) if t else 0
            if sh.kind in ("form", "adj"):
                ok = t == ws.print_title_rows and \
                    p.freeze_panes == ws.freeze_panes
            else:
                ok = at and cell(r[at - 1], 0) == "STT" and \
                    p.freeze_panes == "A%d" % (at + 1)
            if not ok:
                setup.append("%s#%s: %s %s" % (book, p.title, t,
                                               p.freeze_panes))
        if sh.kind == "fixed":
            if len(parts) != 1 or prows[0] != whole:
                joined_bad.append("%s: not whole" % name)
            continue
        bad = []
        joined = join_parts(sh, whole, prows, bad)
        if [r for _, r in joined] != [r for r in whole[sh.head:] if r]:
            bad.append("the parts' rows are not the whole sheet's")
        joined_bad += ["%s: %s" % (name, b) for b in bad]
        totals += total_checks(name, sh, whole, prows, joined)
    check("limit %d: every part within %d rows" % (limit, limit), not over,
          over)
    check("limit %d: every part has the header block and column headings"
          % limit, not head, head)
    check("limit %d: every part's print titles and frozen rows are its "
          "headings" % limit, not setup, setup)
    check("limit %d: each part within a section opens with its label "
          "(tiếp theo); the parts' rows joined are the whole sheet's, "
          "once each, in order" % limit, not joined_bad, joined_bad)
    check("limit %d: STT runs on across the parts; each Cộng row and "
          "Tổng cộng once, on the part where its section ends, counting "
          "and summing every part; the signature on the last part" % limit,
          not totals, totals)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), "--lists" in sys.argv)
    sys.exit(1 if FAILED else 0)
