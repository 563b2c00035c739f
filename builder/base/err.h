/*
 * err.h - the error trace behind DT_TRY (common.h) and the text of the
 * error codes (enum dt_err is in distrust.h).
 */
#ifndef DT_ERR_H
#define DT_ERR_H

#include "distrust.h"

/* Records FILE:LINE in the thread-local error trace (see dt_err_trace()). */
void dt_err_trace_add(const char *file, int line);
/* Clears the trace; called at the start of every public entry point. */
void dt_err_trace_clear(void);

#endif
