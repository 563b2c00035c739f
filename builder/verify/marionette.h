/*
 * marionette.h - a client of Firefox's Marionette protocol (the remote
 * protocol Firefox serves on loopback with --marionette): length-prefixed
 * JSON ("N:{...}"), commands [0, id, name, params] answered by
 * [1, id, error, result]. Enough to open a session, switch to the chrome
 * context and run asynchronous scripts there (verify_firefox.c).
 */
#ifndef DT_MARIONETTE_H
#define DT_MARIONETTE_H

#include "common.h"

#include <jansson.h>

struct dt_marionette;

/* Connects to 127.0.0.1:port and reads the server's greeting within
 * timeout_ms. *out: caller frees with dt_marionette_free. On failure
 * DT_ERR_IO (why says what, in cap bytes), DT_ERR_NOMEM or
 * DT_ERR_INTERRUPTED (a signal caught, interrupt.h). */
DT_MUST_USE enum dt_err dt_marionette_connect(int port, int timeout_ms, struct dt_marionette **out,
                                              char *why, size_t cap);

/* Sends command name with params (a JSON object; the reference is stolen,
 * NULL for {}) and waits up to timeout_ms for its answer. *result: the
 * answer's result (caller frees with json_decref). DT_ERR_IO when the
 * connection fails or Firefox answers with an error (why: its "error" and
 * "message"), DT_ERR_NOMEM, DT_ERR_INTERRUPTED when a signal is caught
 * while it waits (interrupt.h). */
DT_MUST_USE enum dt_err dt_marionette_command(struct dt_marionette *m, const char *name,
                                              json_t *params, int timeout_ms, json_t **result,
                                              char *why, size_t cap);

/* Closes the connection. NULL is a no-op. */
void dt_marionette_free(struct dt_marionette *m);

#endif
