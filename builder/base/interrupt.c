/*
 * interrupt.c - catching SIGINT, SIGTERM and SIGHUP while a task runs
 * (interrupt.h).
 */
#include "interrupt.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};

static volatile sig_atomic_t got;       /* the first signal, or 0 */
static void (*volatile hook_fn)(int);   /* set before the handlers, cleared after */
static bool installed;
static bool mine[DT_ARRAY_LEN(caught)]; /* this signal's handler is ours */
static struct sigaction before[DT_ARRAY_LEN(caught)];

static void on_signal(int sig)
{
    int saved = errno;
    if (!got)
        got = sig;
    void (*h)(int) = hook_fn;
    if (h)
        h(sig);
    errno = saved;
}

enum dt_err dt_interrupt_install(void (*hook)(int sig))
{
    enum dt_err rc = DT_OK;
    DT_ENSURE(!installed, DT_ERR_USAGE);
    got = 0;
    hook_fn = hook;
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < DT_ARRAY_LEN(caught); i++)
        sigaddset(&sa.sa_mask, caught[i]); /* one handler at a time */
    for (size_t i = 0; i < DT_ARRAY_LEN(caught); i++)
        mine[i] = false;
    for (size_t i = 0; i < DT_ARRAY_LEN(caught); i++) {
        DT_ENSURE(sigaction(caught[i], NULL, &before[i]) == 0, DT_ERR_INTERNAL);
        if (!(before[i].sa_flags & SA_SIGINFO) && before[i].sa_handler == SIG_IGN)
            continue; /* ignored when we came: stays ignored */
        DT_ENSURE(sigaction(caught[i], &sa, NULL) == 0, DT_ERR_INTERNAL);
        mine[i] = true;
    }
    installed = true;
out:
    if (rc == DT_ERR_INTERNAL) {
        for (size_t i = 0; i < DT_ARRAY_LEN(caught); i++)
            if (mine[i])
                sigaction(caught[i], &before[i], NULL);
        hook_fn = NULL;
    }
    return rc;
}

int dt_interrupt_signal(void)
{
    return got;
}

void dt_interrupt_child(void)
{
    if (!installed)
        return;
    for (size_t i = 0; i < DT_ARRAY_LEN(caught); i++)
        if (mine[i])
            sigaction(caught[i], &before[i], NULL);
}

int dt_interrupt_restore(void)
{
    if (!installed)
        return 0;
    dt_interrupt_child();
    hook_fn = NULL;
    installed = false;
    int sig = got;
    got = 0;
    return sig;
}

const char *dt_interrupt_name(int sig, char *buf, size_t cap)
{
    const char *name = sig == SIGINT    ? "SIGINT"
                       : sig == SIGTERM ? "SIGTERM"
                       : sig == SIGHUP  ? "SIGHUP"
                                        : NULL;
    if (name)
        snprintf(buf, cap, "%s", name);
    else
        snprintf(buf, cap, "signal %d", sig);
    return buf;
}
