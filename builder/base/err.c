/*
 * err.c - the error codes' text and exit codes, and the thread-local error
 * trace that `distrust -v` prints.
 */
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_MAX 1024

static _Thread_local char trace_buf[TRACE_MAX];
static _Thread_local size_t trace_len;
static _Thread_local const char *cause;

void dt_err_trace_add(const char *file, int line)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    if (trace_len + 64 >= TRACE_MAX)
        return;
    int n = snprintf(trace_buf + trace_len, TRACE_MAX - trace_len, "%s%s:%d",
                     trace_len ? " <- " : "", base, line);
    if (n > 0 && (size_t)n < TRACE_MAX - trace_len)
        trace_len += (size_t)n;
}

void dt_err_trace_clear(void)
{
    trace_len = 0;
    trace_buf[0] = '\0';
    cause = NULL;
}

void dt_err_cause_set(const char *text)
{
    if (!cause)
        cause = text;
}

const char *dt_err_cause(void)
{
    return cause;
}

const char *dt_err_trace(void)
{
    return trace_buf;
}

const char *dt_err_str(enum dt_err err)
{
    switch (err) {
    case DT_OK:
        return "success";
    case DT_ERR_INPUT:
        return "bad input";
    case DT_ERR_USAGE:
        return "usage error";
    case DT_ERR_LIMIT:
        return "a size or count limit was exceeded";
    case DT_ERR_IO:
        return "input/output error";
    case DT_ERR_NOMEM:
        return "out of memory";
    case DT_ERR_STRICT:
        return "warnings raised in strict mode";
    case DT_ERR_INTERNAL:
        return "internal error";
    case DT_ERR_INTERRUPTED:
        return "interrupted by a signal";
    }
    return "unknown error";
}

int dt_err_exit_code(enum dt_err err)
{
    switch (err) {
    case DT_OK:
        return 0;
    case DT_ERR_INPUT:
    case DT_ERR_LIMIT:
    case DT_ERR_IO:
    case DT_ERR_INTERRUPTED:
        return 1;
    case DT_ERR_USAGE:
        return 2;
    case DT_ERR_STRICT:
        return 3;
    case DT_ERR_NOMEM:
    case DT_ERR_INTERNAL:
        return 4;
    }
    return 4;
}
