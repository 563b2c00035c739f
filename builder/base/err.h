/*
 * err.h - the error trace behind DT_TRY (common.h) and the text of the
 * error codes (enum dt_err is in distrust.h).
 */
#ifndef DT_ERR_H
#define DT_ERR_H

#include "distrust.h"

/* Records FILE:LINE in the thread-local error trace (see dt_err_trace()). */
void dt_err_trace_add(const char *file, int line);
/* Clears the trace and the cause; called at the start of every public
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
