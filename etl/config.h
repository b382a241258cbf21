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
 * An argument vector made of a config file's options and a command line's
 * arguments.  It owns its strings and its array (config_release() frees
 * them); getopt_long() may reorder the array.
 */
struct config_args {
	int argc;
	char **argv; /* argv[argc] is NULL */
	const char *file; /* the file read by config_expand(), or NULL */
};

/* Start c with argv[0] = argv0 alone. */
void config_args_init(struct config_args *c, const char *argv0);

/*
 * Read the options of section from the INI file path (section "run" also
 * takes the keys before any section header) and append them to c as
 * "--key=value" or "--key" strings.  Returns 0, or -1 with the file and
 * line of the first problem (no such file, a line that is neither a
 * comment, a [section] nor a key, a key that is not an option name, the
 * key "config"); c then holds the options before it.
 */
int config_read(const char *path, const char *section, struct config_args *c,
		struct etl_err *err);

/*
 * The --config hook of a command: fill c (not yet initialised) with
 * argv[0], then, if argv holds "--config FILE" or "--config=FILE", the
 * options of section from FILE, then the rest of argv without the
 * --config option.  Options on the command line come after the file's, so
 * they win where an option is given once and add to repeated ones.
 * Without --config, or with section NULL (a command without --config), c
 * is a copy of argv.  c->file is the file read.
 * Returns 0, or -1 (a bad file, --config without a value, two --config);
 * either way the caller calls config_release(c).
 */
int config_expand(struct config_args *c, int argc, char **argv,
		  const char *section, struct etl_err *err);

/* Free c's strings and array. */
void config_release(struct config_args *c);

#endif
