# csvcount.awk -v col=N: count the rows of a CSV file (RFC 4180, header
# skipped) by the value of column N; prints "value<TAB>count" lines.
# Handles quoted fields with commas and doubled quotes on one line.
function field(line, n,    i, c, q, k, out) {
	k = 1; q = 0; out = ""
	for (i = 1; i <= length(line); i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c == "\"") {
				if (substr(line, i + 1, 1) == "\"") { out = out "\""; i++ }
				else q = 0
			} else out = out c
		} else if (c == "\"") q = 1
		else if (c == ",") { if (k == n) return out; k++; out = "" }
		else out = out c
	}
	return k == n ? out : ""
}
NR > 1 { n[field($0, col)]++ }
END { for (v in n) printf "%s\t%d\n", (v == "" ? "-" : v), n[v] }
