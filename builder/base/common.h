/*
 * common.h - error propagation macros shared by every library module.
 *
 * Functions that can fail return enum dt_err, declare `enum dt_err rc = DT_OK`
 * and leave through a single `out:` label. DT_TRY/DT_ENSURE record where an
 * error was raised so that `distrust -v` can show the path it took.
 */
#ifndef DT_COMMON_H
#define DT_COMMON_H

#include "err.h"
#include "mem.h"
#include "slice.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DT_TRY(expr)                          \
    do {                                      \
        rc = (expr);                          \
        if (rc != DT_OK) {                    \
            dt_err_trace_add(__FILE__, __LINE__); \
            goto out;                         \
        }                                     \
    } while (0)

#define DT_ENSURE(cond, code)                 \
    do {                                      \
        if (!(cond)) {                        \
            rc = (code);                      \
            dt_err_trace_add(__FILE__, __LINE__); \
            goto out;                         \
        }                                     \
    } while (0)

#define DT_ENSURE_REF(p) DT_ENSURE((p) != NULL, DT_ERR_INTERNAL)
#define DT_ENSURE_MEM(p) DT_ENSURE((p), DT_ERR_NOMEM)

#define DT_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define DT_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DT_PRINTF(f, a)
#endif

#endif
