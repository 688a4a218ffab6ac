/* cn_broker.c: the embedded Kafka broker (librdkafka's in-process mock cluster) and access to
 * clusters: which bootstrap a table uses, making sure a topic exists, `sluice broker`.
 *
 * The mock cluster lives on a dedicated rd_kafka_t that does nothing else; it must be destroyed
 * before that handle (or the process aborts). Its quirks (shared/notes/embedded-broker.md):
 * random ports, 5 MiB retention per partition, no admin API (topics are created through the
 * mock API here, in the process that owns it), a metadata request auto-creates 4 partitions.
 * `sluice broker` also takes fault commands on its standard input (cn_broker_cmd.c). */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include "../common/sl_error.h"
#include "cn_internal.h"

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static rd_kafka_t *g_rk;               /* owner of the mock cluster */
static rd_kafka_mock_cluster_t *g_mc;
static char *g_bootstrap;              /* the mock's bootstrap string */
static cn_kstate g_state;

/* Creates a handle and a mock cluster of n brokers on it; NULL + *err on failure. */
static rd_kafka_mock_cluster_t *mock_start(int n, rd_kafka_t **rkp, cn_kstate *st, char **err) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cn_quiet_logs(conf, st);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot start the embedded broker: %s", errstr);
        return NULL;
    }
    rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, n);
    if (!mc) {
        rd_kafka_destroy(rk);
        *err = sl_strdupf("Cannot start the embedded broker (mock cluster)");
        return NULL;
    }
    *rkp = rk;
    return mc;
}

/* Table option, then session option, then env, then the embedded broker (started now). */
const char *cn_bootstrap_for(const sl_options *opts, const sl_options *session, char **err) {
    const char *b = sl_options_get(opts, "properties.bootstrap.servers");
    if (!b || !*b) b = sl_options_get(session, "sluice.bootstrap.servers");
    if (!b || !*b) b = getenv("SLUICE_BOOTSTRAP");
    if (b && *b) return b;
    pthread_mutex_lock(&g_lock);
    if (!g_mc) {
        g_mc = mock_start(1, &g_rk, &g_state, err);
        if (g_mc) g_bootstrap = strdup(rd_kafka_mock_cluster_bootstraps(g_mc));
    }
    b = g_bootstrap;
    pthread_mutex_unlock(&g_lock);
    return b;
}

bool cn_broker_is_embedded(const char *bootstrap) {
    pthread_mutex_lock(&g_lock);
    bool r = g_bootstrap && bootstrap && !strcmp(g_bootstrap, bootstrap);
    pthread_mutex_unlock(&g_lock);
    return r;
}

/* Creates the topic on the in-process mock, or asks an external cluster for its metadata (which
 * auto-creates it where the broker allows). */
/* Creates a topic through the admin API (CreateTopics), with the broker's default replication. */
static int create_topic(rd_kafka_t *rk, const char *topic, int partitions, char **err) {
    char errstr[512];
    rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, partitions > 0 ? partitions : 1, -1, errstr, sizeof errstr);
    if (!nt) {
        *err = sl_strdupf("Cannot create topic '%s': %s", topic, errstr);
        return -1;
    }
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opts, 10000, errstr, sizeof errstr);
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, &nt, 1, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
    int rc = 0;
    if (!ev) {
        *err = sl_strdupf("Cannot create topic '%s': no answer from Kafka", topic);
        rc = -1;
    } else if (rd_kafka_event_error(ev)) {
        *err = sl_strdupf("Cannot create topic '%s': %s", topic, rd_kafka_event_error_string(ev));
        rc = -1;
    } else {
        size_t n = 0;
        const rd_kafka_topic_result_t **res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        for (size_t i = 0; i < n; i++) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
            if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                *err = sl_strdupf("Cannot create topic '%s': %s", topic, rd_kafka_topic_result_error_string(res[i]));
                rc = -1;
            }
        }
    }
    if (ev) rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy(nt);
    return rc;
}

int cn_ensure_topic(const char *bootstrap, const char *topic, int partitions, char **err) {
    pthread_mutex_lock(&g_lock);
    if (g_mc && g_bootstrap && !strcmp(bootstrap, g_bootstrap)) {
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(g_mc, topic, partitions > 0 ? partitions : 1, 1);
        pthread_mutex_unlock(&g_lock);
        if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
            *err = sl_strdupf("Cannot create topic '%s' on the embedded broker: %s", topic, rd_kafka_err2str(e));
            return -1;
        }
        return 0;
    }
    pthread_mutex_unlock(&g_lock);
    char errstr[512];
    cn_kstate st = {0};
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    cn_quiet_logs(conf, &st);
    if (cn_conf_set(conf, "bootstrap.servers", bootstrap, err) < 0 ||
        cn_conf_set(conf, "reconnect.backoff.max.ms", "1000", err) < 0) {
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        *err = sl_strdupf("Cannot reach Kafka at %s: %s", bootstrap, errstr);
        return -1;
    }
    /* brokers that auto-create topics answer the metadata request with the new topic; Kafka
     * with auto.create.topics.enable=false needs the admin API (which the embedded broker lacks,
     * so it is asked only when the metadata did not bring the topic) */
    int n = cn_topic_partitions(rk, &st, bootstrap, topic, 3000, err);
    if (n == -1 && !st.all_down && !st.fatal) { /* unknown (not refused): create it */
        free(*err);
        *err = NULL;
        if (create_topic(rk, topic, partitions, err) < 0) {
            rd_kafka_destroy(rk);
            return -1;
        }
        n = cn_topic_partitions(rk, &st, bootstrap, topic, 10000, err);
    }
    rd_kafka_destroy(rk);
    return n > 0 ? 0 : -1;
}

/* Destroys the mock cluster, then its handle. */
void cn_broker_shutdown(void) {
    pthread_mutex_lock(&g_lock);
    if (g_mc) rd_kafka_mock_cluster_destroy(g_mc);
    if (g_rk) rd_kafka_destroy(g_rk);
    g_mc = NULL;
    g_rk = NULL;
    free(g_bootstrap);
    g_bootstrap = NULL;
    pthread_mutex_unlock(&g_lock);
}

/* Writes text to path through a temporary file and a rename, so readers never see half of it. */
static int write_atomic(const char *path, const char *text) {
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    snprintf(tmp, n, "%s.tmp.%d", path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (f) {
        bool ok = fputs(text, f) >= 0 && fputc('\n', f) != EOF;
        ok = (fflush(f) == 0) & ok;
        ok = (fsync(fileno(f)) == 0) & ok;
        ok = (fclose(f) == 0) & ok;
        if (ok && rename(tmp, path) == 0) rc = 0;
        else unlink(tmp);
    }
    free(tmp);
    return rc;
}

/* Runs every complete line of in[0..*len) as a fault command (cn_broker_cmd.c) and answers
 * it on stdout; blank lines are ignored. Keeps an incomplete last line (all of it at_eof). */
static void run_lines(rd_kafka_mock_cluster_t *mc, char *in, size_t *len, bool at_eof) {
    size_t start = 0;
    for (;;) {
        char *nl = memchr(in + start, '\n', *len - start);
        if (!nl && !(at_eof && start < *len)) break;
        size_t end = nl ? (size_t)(nl - in) : *len;
        in[end] = 0;
        const char *line = in + start;
        start = nl ? end + 1 : *len;
        if (strspn(line, " \t\r") == strlen(line)) continue;
        char reply[512];
        cn_broker_command(mc, line, reply, sizeof reply);
        printf("%s\n", reply);
        fflush(stdout);
    }
    memmove(in, in + start, *len - start);
    *len -= start;
}

/* Serves until *stop, reading fault commands from stdin without blocking the wait for stop;
 * stdin at its end (or closed, or /dev/null) leaves the broker running. */
static void serve_commands(rd_kafka_mock_cluster_t *mc, volatile int *stop) {
    enum { LINE_MAX_BYTES = 4096 };
    char in[LINE_MAX_BYTES + 1];
    size_t len = 0;
    bool open_in = true, overlong = false;
    while (!*stop) {
        if (!open_in) {
            struct timespec ts = {0, 100 * 1000000};
            nanosleep(&ts, NULL);
            continue;
        }
        struct pollfd pfd = {0, POLLIN, 0};
        int r = poll(&pfd, 1, 100);
        if (r <= 0) continue; /* timeout, or a signal: look at *stop */
        if (pfd.revents & POLLNVAL) {
            open_in = false;
            continue;
        }
        ssize_t got = read(0, in + len, LINE_MAX_BYTES - len);
        if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (got <= 0) { /* end of input: the last line, then only the wait for stop */
            if (!overlong) run_lines(mc, in, &len, true);
            open_in = false;
            continue;
        }
        len += (size_t)got;
        if (overlong) { /* drop the rest of an overlong line */
            char *nl = memchr(in, '\n', len);
            if (!nl) {
                len = 0;
                continue;
            }
            len -= (size_t)(nl + 1 - in);
            memmove(in, nl + 1, len);
            overlong = false;
        }
        run_lines(mc, in, &len, false);
        if (len == LINE_MAX_BYTES) {
            printf("error: command too long\n");
            fflush(stdout);
            len = 0;
            overlong = true;
        }
    }
}

/* `sluice broker`: serves a standalone mock cluster until *stop. */
int cn_broker_run_standalone(int nbrokers, const char *const *topics, int ntopics,
                             const char *addr_file, volatile int *stop) {
    char *err = NULL;
    rd_kafka_t *rk = NULL;
    cn_kstate st = {0};
    if (nbrokers < 1) nbrokers = 1;
    rd_kafka_mock_cluster_t *mc = mock_start(nbrokers, &rk, &st, &err);
    if (!mc) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 1;
    }
    int rc = 0;
    for (int i = 0; i < ntopics && rc == 0; i++) {
        char *name = strdup(topics[i]);
        char *colon = strrchr(name, ':');
        int parts = 1;
        if (colon) {
            *colon = 0;
            parts = atoi(colon + 1);
        }
        if (!*name || parts < 1) {
            fprintf(stderr, "Invalid --topic '%s': expected name:partitions\n", topics[i]);
            rc = 2;
        } else {
            rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, name, parts, nbrokers < 3 ? nbrokers : 3);
            if (e && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                fprintf(stderr, "Cannot create topic '%s': %s\n", name, rd_kafka_err2str(e));
                rc = 1;
            }
        }
        free(name);
    }
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    if (rc == 0) {
        if (addr_file && write_atomic(addr_file, boot) < 0) {
            fprintf(stderr, "Cannot write the address file '%s'\n", addr_file);
            rc = 1;
        }
    }
    if (rc == 0) {
        printf("%s\n", boot);
        fflush(stdout);
        serve_commands(mc, stop);
    }
    rd_kafka_mock_cluster_destroy(mc);
    rd_kafka_destroy(rk);
    return rc;
}
