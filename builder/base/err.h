/*
 * err.h - the tool's error codes (enum dt_err, the result of every fallible
 * internal function), their text and exit codes, and the error trace behind
 * DT_TRY (common.h).
 *
 * Internal: the installed reader library reports through its own negative
 * result codes (include/distrust/blob.h), never through enum dt_err.
 */
#ifndef DT_ERR_H
#define DT_ERR_H

#if defined(__GNUC__)
#define DT_MUST_USE __attribute__((warn_unused_result))
#else
#define DT_MUST_USE
#endif

/* Result of every fallible function. The numeric values of the first few
 * double as process exit codes in the CLI (see dt_err_exit_code()). */
enum dt_err {
    DT_OK = 0,
    DT_ERR_INPUT,    /* bad input: policy, certificate, serial list ... */
    DT_ERR_USAGE,    /* bad call: wrong arguments */
    DT_ERR_LIMIT,    /* a documented size or count cap was hit */
    DT_ERR_IO,       /* reading or writing a file failed */
    DT_ERR_NOMEM,    /* allocation failed */
    DT_ERR_STRICT,   /* warnings were raised and strict mode is on */
    DT_ERR_INTERNAL, /* a bug: an invariant did not hold */
    DT_ERR_INTERRUPTED, /* a signal stopped the task (interrupt.h); the CLI dies of it */
};

/* Static English text for an error code. Never NULL. */
const char *dt_err_str(enum dt_err err);

/* Process exit code for an error (the CLI's exit-code table, man page
 * EXIT STATUS): 0 ok, 1 input or I/O (bad, missing or unreadable input, an
 * output that cannot be written), 2 usage, 3 a check that failed (warnings
 * under strict mode), 4 internal or out of memory; 1 for an interrupted task
 * (the CLI dies of the signal instead: the shell sees 128+N). */
int dt_err_exit_code(enum dt_err err);

/* Where the last error was first raised, as "file.c:123 <- file.c:456 ..."
 * for -v output. Thread-local, borrowed, valid until the next call that
 * clears or adds to the trace on this thread. */
const char *dt_err_trace(void);

/* Records FILE:LINE in the thread-local error trace (see dt_err_trace()). */
void dt_err_trace_add(const char *file, int line);
/* Clears the trace and the cause; called at the start of every task's
 * entry point. */
void dt_err_trace_clear(void);

/* Records the cause of the error being returned, when no diagnostic can
 * carry it (an OpenSSL digest that is not available, say): text is static,
 * or valid for the life of the process. The CLI shows it beside the error
 * code. The first cause recorded after dt_err_trace_clear() stays. */
void dt_err_cause_set(const char *text);
/* The cause recorded since dt_err_trace_clear(), or NULL. */
const char *dt_err_cause(void);

#endif
