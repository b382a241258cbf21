/*
 * copytext.h: PostgreSQL COPY text format, the format the stage commands
 * exchange: one row per line, fields separated by tabs, \N for NULL, and
 * backslash escapes for backslash, tab, newline and carriage return.
 * Escaping lives here and nowhere else.
 */
#ifndef DOISOAT_COPYTEXT_H
#define DOISOAT_COPYTEXT_H

#include "util.h"

#include <stdio.h>

/* Append s (NULL: \N) escaped, preceded by a tab unless first. */
void copy_field(struct strbuf *sb, const char *s, int first);
/* Append the end of the row and write it to f; resets sb. */
int copy_end_row(struct strbuf *sb, FILE *f);

/*
 * Split one line (without its newline) in place into at most max fields,
 * unescaping them; NULL fields become NULL pointers.  Returns the number
 * of fields, or -1 if the line has more than max or a bad escape.
 */
int copy_split(char *line, char **fields, int max);

/* Read one line into sb (without the newline); 0 at end of input. */
int copy_read_line(FILE *f, struct strbuf *sb);

#endif
