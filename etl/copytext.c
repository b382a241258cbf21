/*
 * copytext.c: COPY text escaping and splitting (see copytext.h).
 */
#include "copytext.h"

#include <string.h>

void copy_field(struct strbuf *sb, const char *s, int first)
{
	if (!first)
		sb_addc(sb, '\t');
	if (!s) {
		sb_adds(sb, "\\N");
		return;
	}
	/* runs of plain bytes in one copy; escapes between them */
	for (;;) {
		size_t run = strcspn(s, "\\\t\n\r");

		sb_add(sb, s, run);
		s += run;
		switch (*s) {
		case '\\':
			sb_add(sb, "\\\\", 2);
			break;
		case '\t':
			sb_add(sb, "\\t", 2);
			break;
		case '\n':
			sb_add(sb, "\\n", 2);
			break;
		case '\r':
			sb_add(sb, "\\r", 2);
			break;
		default:
			return;
		}
		s++;
	}
}

int copy_end_row(struct strbuf *sb, FILE *f)
{
	int rc;

	sb_addc(sb, '\n');
	rc = fwrite(sb->buf, 1, sb->len, f) == sb->len ? 0 : -1;
	sb_reset(sb);
	return rc;
}

int copy_split(char *line, char **fields, int max)
{
	int n = 0;
	char *p = line, *w;

	for (;;) {
		if (n == max)
			return -1;
		fields[n] = p;
		w = p;
		if (p[0] == '\\' && p[1] == 'N' && (p[2] == '\t' || !p[2])) {
			fields[n++] = NULL;
			p += 2;
		} else {
			while (*p && *p != '\t') {
				if (*p != '\\') {
					*w++ = *p++;
					continue;
				}
				switch (p[1]) {
				case '\\':
					*w++ = '\\';
					break;
				case 't':
					*w++ = '\t';
					break;
				case 'n':
					*w++ = '\n';
					break;
				case 'r':
					*w++ = '\r';
					break;
				default:
					return -1;
				}
				p += 2;
			}
			n++;
		}
		if (!*p) {
			*w = '\0';
			return n;
		}
		*w = '\0';
		p++;
	}
}

int copy_read_line(FILE *f, struct strbuf *sb)
{
	char buf[64 * 1024];
	size_t n;

	sb_reset(sb);
	/* COPY text has no NUL: fgets pieces, up to the newline */
	while (fgets(buf, sizeof(buf), f)) {
		n = strlen(buf);
		if (n && buf[n - 1] == '\n')
			return sb_add(sb, buf, n - 1) < 0 ? -1 : 1;
		if (sb_add(sb, buf, n) < 0)
			return -1;
	}
	return sb->len > 0;
}
