/* Unit tests: marionette.c (the Marionette client), against a fake server
 * in a child process on loopback. */
#include "marionette.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

/* A listening socket on 127.0.0.1, its port in *port. */
static int listener(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 1) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
        return -1;
    *port = ntohs(sa.sin_port);
    return fd;
}

static void say(int fd, const char *json)
{
    char buf[512];
    int n = snprintf(buf, sizeof(buf), "%zu:%s", strlen(json), json);
    if (write(fd, buf, (size_t)n) != n)
        _exit(3);
}

/* Reads one framed message into buf (NUL-terminated). */
static void hear(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    char c;
    while (read(fd, &c, 1) == 1 && c != ':')
        len = len * 10 + (size_t)(c - '0');
    if (len >= cap)
        _exit(4);
    size_t got = 0;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r <= 0)
            _exit(5);
        got += (size_t)r;
    }
    buf[len] = 0;
}

/* The fake server's script: greet (or not), then answer each command. */
static pid_t serve(int lfd, const char *greeting, const char *const *answers, size_t n)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0)
        _exit(2);
    if (greeting)
        say(fd, greeting);
    for (size_t i = 0; i < n; i++) {
        char buf[512];
        hear(fd, buf, sizeof(buf));
        if (!strncmp(answers[i], "RAW:", 4)) {
            if (write(fd, answers[i] + 4, strlen(answers[i] + 4)) < 0)
                _exit(6);
        } else
            say(fd, answers[i]);
    }
    sleep(1);
    _exit(0);
}

static void reap(pid_t pid)
{
    int st;
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
}

int main(void)
{
    char why[256];
    json_t *res = NULL;
    struct dt_marionette *m = NULL;
    int port = 0;

    /* A session: two commands answered, one with Firefox's error, then a
     * frame without its length. */
    int lfd = listener(&port);
    CHECK(lfd >= 0, "a loopback listener");
    const char *const answers[] = {
        "[1,1,null,{\"value\":42}]",
        "[1,2,{\"error\":\"javascript error\",\"message\":\"TypeError: x\"},null]",
        "RAW:x{}",
    };
    pid_t pid = serve(lfd, "{\"applicationType\":\"gecko\",\"marionetteProtocol\":3}", answers, 3);
    enum dt_err rc = dt_marionette_connect(port, 5000, &m, why, sizeof(why));
    CHECK(rc == DT_OK && m, "connects and reads the greeting (%s)", rc == DT_OK ? "ok" : why);
    if (m) {
        rc = dt_marionette_command(m, "WebDriver:NewSession", NULL, 5000, &res, why, sizeof(why));
        CHECK(rc == DT_OK && json_integer_value(json_object_get(res, "value")) == 42,
              "a command's result");
        json_decref(res);
        res = NULL;
        rc = dt_marionette_command(m, "WebDriver:ExecuteAsyncScript",
                                   json_pack("{s:s}", "script", "1"), 5000, &res, why,
                                   sizeof(why));
        CHECK(rc == DT_ERR_IO && !res, "Firefox's error is an error");
        CHECK(strstr(why, "javascript error") && strstr(why, "TypeError: x"),
              "and says Firefox's words (%s)", why);
        rc = dt_marionette_command(m, "Marionette:Quit", NULL, 5000, &res, why, sizeof(why));
        CHECK(rc == DT_ERR_IO && strstr(why, "length prefix"), "a frame without its length (%s)",
              why);
    }
    dt_marionette_free(m);
    m = NULL;
    reap(pid);
    close(lfd);

    /* Something else on the port: no greeting of Marionette's. */
    lfd = listener(&port);
    pid = serve(lfd, "{\"hello\":1}", NULL, 0);
    rc = dt_marionette_connect(port, 5000, &m, why, sizeof(why));
    CHECK(rc == DT_ERR_IO && !m && strstr(why, "does not greet as Marionette"),
          "a server that is not Marionette (%s)", why);
    reap(pid);
    close(lfd);

    /* A silent server: the deadline. */
    lfd = listener(&port);
    pid = serve(lfd, NULL, NULL, 0);
    rc = dt_marionette_connect(port, 200, &m, why, sizeof(why));
    CHECK(rc == DT_ERR_IO && !m && strstr(why, "did not answer in time"), "a silent server (%s)",
          why);
    reap(pid);
    close(lfd);

    /* Firefox gone after its greeting: errors, never a SIGPIPE. */
    lfd = listener(&port);
    pid = serve(lfd, "{\"applicationType\":\"gecko\",\"marionetteProtocol\":3}", NULL, 0);
    rc = dt_marionette_connect(port, 5000, &m, why, sizeof(why));
    reap(pid);
    CHECK(rc == DT_OK, "connects");
    if (m) {
        rc = dt_marionette_command(m, "WebDriver:NewSession", NULL, 2000, &res, why, sizeof(why));
        CHECK(rc == DT_ERR_IO && strstr(why, "closed the connection"), "the server gone (%s)", why);
        rc = dt_marionette_command(m, "WebDriver:NewSession", NULL, 2000, &res, why, sizeof(why));
        CHECK(rc == DT_ERR_IO, "and again, the process still alive (%s)", why);
    }
    dt_marionette_free(m);
    m = NULL;
    close(lfd);

    /* Nobody listening. */
    lfd = listener(&port);
    close(lfd);
    rc = dt_marionette_connect(port, 1000, &m, why, sizeof(why));
    CHECK(rc == DT_ERR_IO && !m && strstr(why, "cannot connect"), "nobody listening (%s)", why);

    dt_marionette_free(NULL);
    CHECK(true, "dt_marionette_free(NULL) is a no-op");
    return unit_done();
}
