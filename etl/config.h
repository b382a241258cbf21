/*
 * config.h: the INI file of `--config FILE`, turned into command-line
 * options.  Every key is the long name of an option of the command, so a
 * file says what a command line would:
 *
 *	# /etc/doisoat/nightly.ini
 *	[run]                   ; optional: keys before any section are [run]'s
 *	period   = 2024
 *	prior    = /srv/bhyt/in/cards_2023.csv.gz
 *	roster   = /srv/bhyt/in/ho_ngheo.csv=HN     ; repeated keys repeat
 *	roster   = /srv/bhyt/in/tre_em.csv=TE       ; the option
 *	out      = /srv/bhyt/out/2024
 *	no-db                   ; a key without a value is a flag
 *	table    = yes          ; so is yes/true/on; no/false/off drop it
 *	[load]                  ; the options of `doisoat load` (and of the
 *	pseudonym-key = /etc/doisoat/pseudonym.key  ; load stage of a run)
 *
 * Comments start with '#' or ';' at the start of a line or after blanks.
 * Values are taken as written after '=', without the blanks around them;
 * "double quotes" around a whole value are removed.  Other sections are
 * ignored, so one file can serve several commands.
 *
 * Like every library module, these functions never print or exit.
 */
#ifndef DOISOAT_CONFIG_H
#define DOISOAT_CONFIG_H

#include "util.h"

/*
 * Read the options of section from the INI file path (section "run" also
 * takes the keys before any section header) and append them to *args as
 * "--key=value" or "--key" strings; *nargs counts them.  The strings and
 * the array are allocated (xmalloc) and live until the process exits.
 * Returns 0, or -1 with the file and line of the first problem (no such
 * file, a line that is neither a comment, a [section] nor a key, a key
 * that is not an option name, the key "config").
 */
int config_read(const char *path, const char *section, char ***args,
		int *nargs, struct etl_err *err);

/*
 * The --config hook of a command: if argv holds "--config FILE" or
 * "--config=FILE", replace *argc and *argv by a new vector: argv[0], the
 * options of section from FILE, then the rest of argv without the
 * --config option.  Options on the command line come after the file's, so
 * they win where an option is given once and add to repeated ones.  The
 * new vector lives until the process exits.  Without --config, nothing
 * changes.  Returns 0, or -1 (a bad file, --config without a value, two
 * --config).  The file used is remembered for config_file().
 */
int config_expand(int *argc, char ***argv, const char *section,
		  struct etl_err *err);

/* The file the last config_expand() read, or NULL. */
const char *config_file(void);

#endif
