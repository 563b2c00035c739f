/* Unit tests: interrupt.c - catching SIGINT, SIGTERM and SIGHUP while a
 * task runs, the hook, the actions given back, a signal ignored on entry
 * left ignored, a forked child with the old actions. */
#include "interrupt.h"
#include "unit.h"

#include <signal.h>
#include <sys/wait.h>

static volatile sig_atomic_t hook_calls, hook_sig, prev_calls;

static void hook(int sig)
{
    hook_calls++;
    hook_sig = sig;
}

static void prev_handler(int sig)
{
    (void)sig;
    prev_calls++;
}

static void (*handler_of(int sig))(int)
{
    struct sigaction sa;
    sigaction(sig, NULL, &sa);
    return sa.sa_handler;
}

int main(void)
{
    char name[32];
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = prev_handler;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGHUP, SIG_IGN);

    CHECK(dt_interrupt_signal() == 0, "nothing recorded before any install");
    CHECK(dt_interrupt_install(hook) == DT_OK, "installed");
    CHECK(dt_interrupt_install(hook) == DT_ERR_USAGE, "a second install is refused");
    CHECK(handler_of(SIGTERM) != prev_handler && handler_of(SIGINT) != SIG_DFL,
          "SIGTERM and SIGINT are caught");
    CHECK(handler_of(SIGHUP) == SIG_IGN, "SIGHUP, ignored on entry (nohup), stays ignored");
    CHECK(dt_interrupt_signal() == 0, "nothing recorded yet");

    kill(getpid(), SIGHUP);
    CHECK(dt_interrupt_signal() == 0 && hook_calls == 0, "an ignored SIGHUP records nothing");

    /* a child forked now, as an NSS worker, dies of SIGINT as before */
    pid_t pid = fork();
    if (pid == 0) {
        dt_interrupt_child();
        raise(SIGINT);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT,
          "a forked child with dt_interrupt_child dies of SIGINT (status 0x%x)", st);
    /* and one without it does not: the handler is inherited (what
     * dt_interrupt_child is for) */
    pid = fork();
    if (pid == 0) {
        raise(SIGINT);
        _exit(dt_interrupt_signal() == SIGINT ? 7 : 8);
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7,
          "without it, the child records SIGINT and lives on (status 0x%x)", st);
    CHECK(dt_interrupt_signal() == 0 && hook_calls == 0, "the children's signals are theirs");

    kill(getpid(), SIGTERM);
    CHECK(dt_interrupt_signal() == SIGTERM, "SIGTERM is recorded");
    CHECK(hook_calls == 1 && hook_sig == SIGTERM, "the hook ran once, with SIGTERM");
    CHECK(prev_calls == 0, "the previous handler did not run");
    kill(getpid(), SIGINT);
    CHECK(dt_interrupt_signal() == SIGTERM && hook_calls == 2 && hook_sig == SIGINT,
          "a second signal: the first stays recorded, the hook runs again");

    CHECK(dt_interrupt_restore() == SIGTERM, "restore returns the first signal");
    CHECK(handler_of(SIGTERM) == prev_handler && handler_of(SIGINT) == SIG_DFL &&
              handler_of(SIGHUP) == SIG_IGN,
          "restore gives back the previous actions");
    CHECK(dt_interrupt_signal() == 0, "not installed, nothing is recorded (no stale signal)");
    kill(getpid(), SIGTERM);
    CHECK(prev_calls == 1 && hook_calls == 2, "after restore, the previous handler runs again");
    CHECK(dt_interrupt_restore() == 0 && handler_of(SIGTERM) == prev_handler,
          "a second restore is a no-op");

    signal(SIGHUP, SIG_DFL);
    CHECK(dt_interrupt_install(NULL) == DT_OK && dt_interrupt_signal() == 0,
          "installed again: the recorded signal is cleared");
    kill(getpid(), SIGHUP);
    CHECK(dt_interrupt_signal() == SIGHUP, "SIGHUP, not ignored this time, is recorded");
    CHECK(dt_interrupt_restore() == SIGHUP, "and returned by restore");
    CHECK(handler_of(SIGHUP) == SIG_DFL, "and its default action given back");

    CHECK_STR(dt_interrupt_name(SIGTERM, name, sizeof(name)), "SIGTERM", "SIGTERM's name");
    CHECK_STR(dt_interrupt_name(SIGINT, name, sizeof(name)), "SIGINT", "SIGINT's name");
    CHECK_STR(dt_interrupt_name(SIGHUP, name, sizeof(name)), "SIGHUP", "SIGHUP's name");
    CHECK_STR(dt_interrupt_name(SIGUSR1, name, sizeof(name)), "signal 10", "another by number");
    return unit_done();
}
