#!/bin/sh
# mkcommune-map.sh SHARED_ADMIN_UNITS_DIR: rebuild etl/data/commune-map-2025.csv,
# the communes of before 1 July 2025 and the commune or communes each one
# went into on that day, from the copied upstream mapping-2025/splits.json
# (github.com/dvhcvn/20250701, see etl/data/README.md).  Run it by hand when
# that snapshot changes, from the checkout root:
#
#   sh etl/sh/mkcommune-map.sh ../shared/data/admin-units \
#     > etl/data/commune-map-2025.csv
#
# and commit the output.  One row per (old, new) link, sorted:
#   old_code,new_code
# An old code on one row was translated; on several rows it was split.
# Uses jq when there is one, else python3 (standard library only); both
# print the same bytes.  The counts go to stderr (upstream: 10,047 old
# communes, 460 of them split).
set -eu
[ $# -eq 1 ] || {
	echo "usage: mkcommune-map.sh SHARED_ADMIN_UNITS_DIR" >&2
	exit 2
}
json=$1/mapping-2025/splits.json
[ -r "$json" ] || {
	echo "mkcommune-map.sh: cannot read '$json'" >&2
	exit 1
}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

if [ -z "${MKMAP_NO_JQ:-}" ] && command -v jq >/dev/null 2>&1; then
	jq -r '.data[].level3s[] | .level3_id as $o |
		if (.splits | length) == 0 then "\($o),"
		else .splits[] | "\($o),\(.new_id)" end' "$json"
else
	python3 - "$json" <<'EOF'
import json, sys
with open(sys.argv[1], encoding="utf-8") as f:
    data = json.load(f)
for province in data["data"]:
    for old in province["level3s"]:
        if not old["splits"]:
            print("%s," % old["level3_id"])
        for new in old["splits"]:
            print("%s,%s" % (old["level3_id"], new["new_id"]))
EOF
fi | LC_ALL=C sort -u >"$tmp"

# Every code has five digits, and every old commune went somewhere (one
# that did not is printed as "code," above).
if grep -vqE '^[0-9]{5},[0-9]{5}$' "$tmp"; then
	echo "mkcommune-map.sh: '$json' has a code that is not five" \
		"digits, or an old commune that went nowhere" >&2
	exit 1
fi
echo "old_code,new_code"
cat "$tmp"
cut -d, -f1 "$tmp" | uniq -c |
	awk '{ n++; if ($1 > 1) s++ }
	     END { printf "mkcommune-map.sh: %d old communes, %d split\n",
		   n, s }' >&2
