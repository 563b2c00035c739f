/*
 * marionette.c - the Marionette client (marionette.h).
 */
#include "marionette.h"

#include "interrupt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MN_MAX_MESSAGE (64u << 20) /* an answer larger than this is refused */

struct dt_marionette {
    int fd;
    unsigned next_id;
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Reads exactly n bytes before the deadline. A signal caught
 * (dt_interrupt_signal) ends the wait within 100 ms: DT_ERR_INTERRUPTED. */
static enum dt_err read_full(int fd, char *p, size_t n, int64_t deadline, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    while (n) {
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            snprintf(why, cap, "Marionette did not answer in time");
            rc = DT_ERR_IO;
            goto out;
        }
        if (dt_interrupt_signal()) {
            snprintf(why, cap, "interrupted");
            rc = DT_ERR_INTERRUPTED;
            goto out;
        }
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int pr = poll(&pfd, 1, left < 100 ? (int)left : 100);
        if (pr < 0 && errno == EINTR)
            continue;
        if (pr <= 0)
            continue;
        ssize_t r = read(fd, p, n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            snprintf(why, cap, "Marionette closed the connection%s%s", r < 0 ? ": " : "",
                     r < 0 ? strerror(errno) : "");
            rc = DT_ERR_IO;
            goto out;
        }
        p += r;
        n -= (size_t)r;
    }
out:
    return rc;
}

/* One message ("N:" then N bytes of JSON), parsed. */
static enum dt_err read_message(struct dt_marionette *m, int64_t deadline, json_t **out, char *why,
                                size_t cap)
{
    enum dt_err rc = DT_OK;
    char *body = NULL;
    size_t len = 0;
    *out = NULL;
    for (int digits = 0;; digits++) {
        char c;
        DT_TRY(read_full(m->fd, &c, 1, deadline, why, cap));
        if (c == ':' && digits > 0)
            break;
        if (c < '0' || c > '9' || digits > 9) {
            snprintf(why, cap, "Marionette sent a message without its length prefix");
            rc = DT_ERR_IO;
            goto out;
        }
        len = len * 10 + (size_t)(c - '0');
    }
    if (len > MN_MAX_MESSAGE) {
        snprintf(why, cap, "Marionette sent a message of %zu bytes (at most %u)", len,
                 MN_MAX_MESSAGE);
        rc = DT_ERR_IO;
        goto out;
    }
    body = malloc(len + 1);
    if (!body) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    DT_TRY(read_full(m->fd, body, len, deadline, why, cap));
    json_error_t je;
    *out = json_loadb(body, len, 0, &je);
    if (!*out) {
        snprintf(why, cap, "Marionette sent JSON that does not parse: %s", je.text);
        rc = DT_ERR_IO;
    }
out:
    free(body);
    return rc;
}

static enum dt_err write_all(int fd, const char *p, size_t n, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL); /* a Firefox gone is an error, not SIGPIPE */
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(why, cap, "cannot write to Marionette: %s", strerror(errno));
            rc = DT_ERR_IO;
            goto out;
        }
        p += w;
        n -= (size_t)w;
    }
out:
    return rc;
}

enum dt_err dt_marionette_connect(int port, int timeout_ms, struct dt_marionette **out, char *why,
                                  size_t cap)
{
    enum dt_err rc = DT_OK;
    json_t *hello = NULL;
    struct dt_marionette *m = calloc(1, sizeof(*m));
    *out = NULL;
    if (!m) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    m->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m->fd < 0) {
        snprintf(why, cap, "socket: %s", strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(m->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        snprintf(why, cap, "cannot connect to Marionette at 127.0.0.1:%d: %s", port,
                 strerror(errno));
        rc = DT_ERR_IO;
        goto out;
    }
    DT_TRY(read_message(m, now_ms() + timeout_ms, &hello, why, cap));
    if (!json_is_object(hello) || !json_object_get(hello, "marionetteProtocol")) {
        snprintf(why, cap, "127.0.0.1:%d does not greet as Marionette", port);
        rc = DT_ERR_IO;
        goto out;
    }
    *out = m;
    m = NULL;
out:
    json_decref(hello);
    dt_marionette_free(m);
    return rc;
}

enum dt_err dt_marionette_command(struct dt_marionette *m, const char *name, json_t *params,
                                  int timeout_ms, json_t **result, char *why, size_t cap)
{
    enum dt_err rc = DT_OK;
    json_t *msg = NULL, *ans = NULL;
    char *text = NULL, *framed = NULL;
    *result = NULL;
    unsigned id = ++m->next_id;
    msg = json_pack("[i, i, s, o]", 0, (json_int_t)id, name, params ? params : json_object());
    params = NULL;
    text = msg ? json_dumps(msg, JSON_COMPACT) : NULL;
    if (!text) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    size_t tl = strlen(text);
    framed = malloc(tl + 24);
    if (!framed) {
        rc = DT_ERR_NOMEM;
        goto out;
    }
    int hl = snprintf(framed, 24, "%zu:", tl);
    memcpy(framed + hl, text, tl);
    DT_TRY(write_all(m->fd, framed, (size_t)hl + tl, why, cap));
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        DT_TRY(read_message(m, deadline, &ans, why, cap));
        /* [1, id, error, result]; anything else (an event) is skipped */
        if (json_is_array(ans) && json_array_size(ans) == 4 &&
            json_integer_value(json_array_get(ans, 0)) == 1 &&
            json_integer_value(json_array_get(ans, 1)) == (json_int_t)id)
            break;
        json_decref(ans);
        ans = NULL;
    }
    json_t *err = json_array_get(ans, 2);
    if (!json_is_null(err)) {
        const char *e = json_string_value(json_object_get(err, "error"));
        const char *msgt = json_string_value(json_object_get(err, "message"));
        snprintf(why, cap, "%s: %s: %s", name, e ? e : "error", msgt ? msgt : "(no message)");
        rc = DT_ERR_IO;
        goto out;
    }
    *result = json_incref(json_array_get(ans, 3));
out:
    json_decref(params);
    json_decref(msg);
    json_decref(ans);
    free(text);
    free(framed);
    return rc;
}

void dt_marionette_free(struct dt_marionette *m)
{
    if (!m)
        return;
    if (m->fd >= 0)
        close(m->fd);
    free(m);
}
