/* Unit tests: err.c (the error codes' text and exit codes, the
 * thread-local trace DT_TRY records): every code, the trace's form, its
 * cap, clearing, and one trace per thread. */
#include "common.h"
#include "unit.h"

#include <pthread.h>

static enum dt_err fails(void)
{
    enum dt_err rc = DT_OK;
    DT_ENSURE(false, DT_ERR_INPUT);
out:
    return rc;
}

static enum dt_err calls_fails(void)
{
    enum dt_err rc = DT_OK;
    DT_TRY(fails());
out:
    return rc;
}

static void *other_thread(void *arg)
{
    (void)arg;
    dt_err_trace_clear();
    dt_err_trace_add("/x/other.c", 1);
    return strcmp(dt_err_trace(), "other.c:1") ? (void *)1 : NULL;
}

int main(void)
{
    static const struct {
        enum dt_err e;
        const char *text;
        int code;
    } codes[] = {
        {DT_OK, "success", 0},
        {DT_ERR_INPUT, "bad input", 1},
        {DT_ERR_USAGE, "usage error", 2},
        {DT_ERR_LIMIT, "a size or count limit was exceeded", 1},
        {DT_ERR_IO, "input/output error", 1},
        {DT_ERR_NOMEM, "out of memory", 4},
        {DT_ERR_STRICT, "warnings raised in strict mode", 3},
        {DT_ERR_INTERNAL, "internal error", 4},
        {DT_ERR_INTERRUPTED, "interrupted by a signal", 1},
    };
    for (size_t i = 0; i < DT_ARRAY_LEN(codes); i++)
        CHECK(!strcmp(dt_err_str(codes[i].e), codes[i].text) &&
                  dt_err_exit_code(codes[i].e) == codes[i].code,
              "%s: exit %d", codes[i].text, codes[i].code);
    CHECK(!strcmp(dt_err_str((enum dt_err)99), "unknown error") &&
              dt_err_exit_code((enum dt_err)99) == 4,
          "an unknown code: \"unknown error\", exit 4 (never 0)");

    dt_err_trace_clear();
    CHECK(!strcmp(dt_err_trace(), ""), "a cleared trace is empty");
    CHECK(calls_fails() == DT_ERR_INPUT, "DT_TRY propagates the code DT_ENSURE set");
    const char *t = dt_err_trace();
    CHECK(!strncmp(t, "test_err.c:", 11) && strstr(t, " <- test_err.c:") && !strchr(t, '/'),
          "the trace: base names, innermost first, joined by \" <- \" (%s)", t);
    dt_err_trace_clear();
    for (int i = 0; i < 100; i++)
        dt_err_trace_add("a/very/long/path/to/some_module_file.c", 100000 + i);
    t = dt_err_trace();
    size_t tl = strlen(t);
    CHECK(tl < 1024 && tl > 900 && !strncmp(t + tl - 25, "some_module_file.c:1000", 23),
          "the trace is capped under 1 KiB (%zu bytes), its last entry whole", tl);
    CHECK(!strncmp(t, "some_module_file.c:100000 <- some_module_file.c:100001", 53),
          "the first entries are kept, the last dropped");
    pthread_t th;
    void *res = (void *)1;
    if (pthread_create(&th, NULL, other_thread, NULL) == 0)
        pthread_join(th, &res);
    CHECK(res == NULL && !strncmp(dt_err_trace(), "some_module_file.c:100000", 25),
          "each thread has its own trace");
    dt_err_trace_clear();
    CHECK(dt_err_trace()[0] == '\0', "cleared again");
    return unit_done();
}
