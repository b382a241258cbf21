#!/bin/sh
# mkcommunes.sh SHARED_ADMIN_UNITS_DIR: rebuild etl/data/communes.csv (code,
# full name, validity) from the copied upstream SQL scripts: the 3-tier list
# valid until 2025-06-30 and the 2-tier list valid from 2025-07-01.  Run it
# by hand when the upstream snapshots change; the output is committed.
set -eu
dir=$1
extract() {
	grep -E "^\('[0-9]{5}'," "$1" |
	sed -E "s/''/\x01/g; s/^\('([0-9]{5})','[^']*','[^']*','([^']*)'.*/\1,\2/; s/\x01/'/g"
}
echo "code,name,valid_from,valid_to"
extract "$dir/pre2025/ImportData_vn_units.sql" | sed 's/$/,,2025-06-30/'
extract "$dir/post2025/postgres_ImportData_vn_units.sql" | sed 's/$/,2025-07-01,/'
