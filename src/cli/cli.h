#ifndef HK_CLI_CLI_H
#define HK_CLI_CLI_H

/* Each subcommand takes the arguments after its name (argv[0] is the subcommand's name) and
 * returns the process exit status: 0 ok, 1 failure, 2 bad input. */
#define HK_CMD(name, fn, summary) int fn(int argc, char **argv);
#include "cli/commands.def"
#undef HK_CMD

/* Exit statuses shared by every subcommand. */
enum { HK_EXIT_OK = 0, HK_EXIT_FAIL = 1, HK_EXIT_USAGE = 2 };

struct hk_error;
/* Print an error to stderr as "hukou: 错误 (error): field: detail". Returns the exit status
 * that fits it: 2 for bad input, 1 otherwise. */
int hk_cli_fail(const char *command, const struct hk_error *err);

/* Is argv[i] "--help" or "-h"? */
int hk_cli_wants_help(int argc, char **argv);

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Parse the options of a command that takes only --db PATH (and --help) followed by exactly
 * `positionals` arguments, from argv[0] (the command's own name). On success returns -1 with
 * *db set (NULL when not given) and *first the index of the first positional; otherwise the
 * exit status to return, after printing usage (to stdout for --help). */
int hk_cli_db_args(int argc, char **argv, int positionals, void (*print_usage)(FILE *out),
                   const char **db, int *first);

/* A password from stdin: one line, its newline dropped; false when there is none. */
bool hk_cli_read_password(char *out, size_t size);

/* hukou user activation-code | activate (cmd_user_activation.c); argv[0] is the subcommand. */
int hk_cli_user_activation(int argc, char **argv);

/* Who the command line acts as, for events: "cli:<login name>". */
const char *hk_cli_actor(void);
/* The operating system user running the command (getpwuid(geteuid())), "unknown" without one.
 * hk_cli_open_store names it to the store, so that every event written as an officer or a
 * resident through --as says who ran the command: "officer:330402 via cli:root". */
const char *hk_cli_os_user(void);

/* Open the store named by --db, printing the error and returning NULL on failure (with *exit
 * set to the exit status). */
struct hk_store;
struct hk_store *hk_cli_open_store(const char *command, const char *path, int mode, int *exit);

/* --as ACTOR: "officer:DIVISION", "supervisor:DIVISION", "resident:ID_NUMBER" or "system" (also
 * for NULL: the command line's own account). Returns 0, or -1 when malformed (cmd_application.c).
 */
struct hk_actor;
int hk_cli_actor_parse(const char *text, struct hk_actor *out);

/* hukou application attach|material (cmd_application_material.c); argv[0] is the subcommand. */
int hk_cmd_application_material(int argc, char **argv);
/* hukou facts attach|material (cmd_application_material.c): files behind a fact entry. */
int hk_cmd_facts_material(int argc, char **argv);
/* hukou audit events (cmd_audit_events.c): argv[0] is "events". */
int hk_cli_audit_events(int argc, char **argv);
/* Mask in place every run of exactly 18 ID characters standing alone (cmd_audit_events.c). */
void hk_cli_mask_id_numbers(char *s);
/* Does the event name the person whose masked number this is (subject, payload or actor)? */
struct hk_event;
bool hk_cli_event_names(const struct hk_event *ev, const char *masked);
/* hukou audit checkpoint (cmd_audit_checkpoint.c): argv[0] is "checkpoint". */
int hk_cli_audit_checkpoint(int argc, char **argv);
/* Append one checkpoint of the store at db to the file `to` (making to.key the first time);
 * summary gets a JSON line saying what was written. Returns an hk_status. Used by hukou audit
 * checkpoint and hukou serve --checkpoint. */
int hk_cli_checkpoint_write(const char *db, const char *to, char summary[256],
                            struct hk_error *err);
/* Check every line of a checkpoint file against the store; returns an hk_status: HK_ETAMPERED with
 * field "checkpoint" when an entry a checkpoint saw is gone or differs, with field "--checkpoint"
 * when a line is malformed or its signature does not verify; *checked counts the lines. */
struct hk_error;
int hk_cli_checkpoint_check(struct hk_store *st, const char *file, int64_t *checked,
                            struct hk_error *err);
/* hukou person search / hukou household search (cmd_search.c): argv[0] is "search". */
int hk_cli_search(int argc, char **argv, bool households);

/* hukou cert verify (cmd_cert_verify.c): argv[0] is "verify"; needs no database. */
int hk_cli_cert_verify(int argc, char **argv);
/* hukou cert render-pdf (cmd_cert_render.c): the PDF of the QR text on stdin, for hukou serve. */
int hk_cli_cert_render(int argc, char **argv);

#endif
