"""tests/xlsx/tap.py: what the workbook checks (check.py, tonghop.py)
share: one "ok - NAME" / "not ok - NAME" line per check, with detail
lines starting with "#", the names of the failed checks in FAILED, and
the rows of a CSV list as dicts."""
import csv

FAILED = []


def check(name, cond, detail=None):
    if cond:
        print("ok - " + name)
    else:
        print("not ok - " + name)
        for d in (detail or [])[:20]:
            print("#   " + str(d))
        FAILED.append(name)


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))
