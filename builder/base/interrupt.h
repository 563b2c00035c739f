/*
 * interrupt.h - a long task that can be interrupted: while it runs, SIGINT,
 * SIGTERM and SIGHUP are caught; the handler records the first signal and
 * calls an async-signal-safe hook (which stops what must not outlive the
 * process, e.g. Firefox's process groups); the task polls
 * dt_interrupt_signal() at its check points, cleans up, returns
 * DT_ERR_INTERRUPTED, and the CLI then dies of the same signal.
 *
 * A signal the process was started with ignored stays ignored (nohup, a
 * background job of a non-interactive shell): the task does not catch it.
 * One task at a time (process-wide state).
 */
#ifndef DT_INTERRUPT_H
#define DT_INTERRUPT_H

#include "common.h"

/* Catches SIGINT, SIGTERM and SIGHUP (those not ignored) with SA_RESTART:
 * a slow call that is not restarted (poll, nanosleep) returns EINTR, and
 * its loop checks dt_interrupt_signal(). hook (NULL for none) runs in the
 * handler with the signal: it must be async-signal-safe. Clears the
 * recorded signal. DT_ERR_USAGE when already installed, DT_ERR_INTERNAL
 * when sigaction fails (nothing is then installed). */
DT_MUST_USE enum dt_err dt_interrupt_install(void (*hook)(int sig));

/* The first signal caught since dt_interrupt_install, or 0 (always 0 when
 * not installed). Async-signal-safe. */
int dt_interrupt_signal(void);

/* Gives back the actions the signals had before dt_interrupt_install and
 * returns the signal caught meanwhile (0: none); dt_interrupt_signal is 0
 * again. No-op returning 0 when not installed. */
int dt_interrupt_restore(void);

/* In a child forked while installed that does not exec (exec resets caught
 * signals itself): the actions from before dt_interrupt_install, so that
 * the child dies of the signal as the process would have. Async-signal-safe.
 * No-op when not installed. */
void dt_interrupt_child(void);

/* "SIGINT", "SIGTERM", "SIGHUP", else "signal N" into buf (cap bytes);
 * returns buf. */
const char *dt_interrupt_name(int sig, char *buf, size_t cap);

#endif
