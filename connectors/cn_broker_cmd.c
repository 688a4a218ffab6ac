/* cn_broker_cmd.c: the fault commands of `sluice broker` (one per line on its standard input),
 * for tests that make the embedded broker misbehave:
 *   down ID | up ID | rtt ID MS        a broker stops answering, comes back, answers late
 *   errors API COUNT ERROR             the next COUNT requests of API fail with ERROR
 *   topic-error TOPIC ERROR            metadata reports ERROR for TOPIC (NO_ERROR clears)
 *   create TOPIC PARTITIONS            a new topic
 * API is a Kafka request name (Produce, Fetch, Metadata, ...) or its number; ERROR a
 * librdkafka error name without its RD_KAFKA_RESP_ERR_ prefix (NOT_LEADER_FOR_PARTITION,
 * REQUEST_TIMED_OUT, ...) or its number. The answer is "ok" or "error: <reason>". */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include "cn_internal.h"

enum { MAX_ARGS = 5, MAX_ERRORS = 100000 };

/* Kafka request names and their API keys (the protocol's numbering). */
static const struct { const char *name; int16_t key; } APIS[] = {
    {"Produce", 0}, {"Fetch", 1}, {"ListOffsets", 2}, {"Metadata", 3}, {"OffsetCommit", 8}, {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11}, {"Heartbeat", 12}, {"LeaveGroup", 13}, {"SyncGroup", 14},
    {"DescribeGroups", 15}, {"ListGroups", 16}, {"SaslHandshake", 17}, {"ApiVersions", 18}, {"CreateTopics", 19},
    {"DeleteTopics", 20}, {"DeleteRecords", 21}, {"InitProducerId", 22}, {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24}, {"AddOffsetsToTxn", 25}, {"EndTxn", 26}, {"TxnOffsetCommit", 28},
    {"DescribeConfigs", 32}, {"AlterConfigs", 33}, {"SaslAuthenticate", 36}, {"CreatePartitions", 37},
    {"DeleteGroups", 42}, {"OffsetDelete", 47},
};

/* Java's spellings of errors that librdkafka names otherwise (tried when its table has no
 * such name). */
static const struct { const char *name; rd_kafka_resp_err_t code; } ERR_ALIASES[] = {
    {"NOT_LEADER_OR_FOLLOWER", RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION},
    {"UNKNOWN_TOPIC_OR_PARTITION", RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART},
    {"NONE", RD_KAFKA_RESP_ERR_NO_ERROR},
};

/* A whole decimal integer in [lo, hi]. */
static bool parse_int(const char *s, long long lo, long long hi, long long *out) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || errno || v < lo || v > hi) return false;
    *out = v;
    return true;
}

/* An API name (case-insensitive) or number; -1 if unknown. */
static int api_key(const char *s) {
    long long v;
    if (parse_int(s, 0, 1000, &v)) return (int)v;
    for (size_t i = 0; i < sizeof APIS / sizeof *APIS; i++)
        if (!strcasecmp(APIS[i].name, s)) return APIS[i].key;
    return -1;
}

/* An error name (RD_KAFKA_RESP_ERR_ prefix optional, case-insensitive) or number, found in
 * librdkafka's own table of errors; false if unknown. */
static bool err_code(const char *s, rd_kafka_resp_err_t *out) {
    long long v;
    if (parse_int(s, -200, 1000, &v)) {
        *out = (rd_kafka_resp_err_t)v;
        return true;
    }
    if (!strncasecmp(s, "RD_KAFKA_RESP_ERR_", 18)) s += 18;
    const struct rd_kafka_err_desc *d;
    size_t n;
    rd_kafka_get_err_descs(&d, &n);
    for (size_t i = 0; i < n; i++)
        if (d[i].name && !strcasecmp(d[i].name, s)) {
            *out = d[i].code;
            return true;
        }
    for (size_t i = 0; i < sizeof ERR_ALIASES / sizeof *ERR_ALIASES; i++)
        if (!strcasecmp(ERR_ALIASES[i].name, s)) {
            *out = ERR_ALIASES[i].code;
            return true;
        }
    return false;
}

/* Splits a line at blanks into at most MAX_ARGS words (in buf); the count, or -1 if more. */
static int split(const char *line, char *buf, size_t bufn, char **argv) {
    snprintf(buf, bufn, "%s", line);
    int n = 0;
    for (char *p = buf; *p;) {
        while (*p && isspace((unsigned char)*p)) *p++ = 0;
        if (!*p) break;
        if (n == MAX_ARGS) return -1;
        argv[n++] = p;
        while (*p && !isspace((unsigned char)*p)) p++;
    }
    return n;
}

/* Writes "error: ..." into reply; -1. */
static int fail(char *reply, size_t replyn, const char *fmt, const char *a, const char *b) {
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a ? a : "", b ? b : "");
    snprintf(reply, replyn, "error: %s", msg);
    return -1;
}

/* "ok" or the error of a mock call. */
static int answer(rd_kafka_resp_err_t e, char *reply, size_t replyn) {
    if (e) return fail(reply, replyn, "%s", rd_kafka_err2str(e), NULL);
    snprintf(reply, replyn, "ok");
    return 0;
}

/* `down ID`, `up ID`, `rtt ID MS`. */
static int broker_cmd(rd_kafka_mock_cluster_t *mc, char **argv, int argc, char *reply, size_t replyn) {
    bool rtt = !strcmp(argv[0], "rtt");
    long long id, ms = 0;
    if (argc != (rtt ? 3 : 2)) return fail(reply, replyn, "usage: %s BROKER-ID%s", argv[0], rtt ? " MS" : "");
    if (!parse_int(argv[1], 0, INT32_MAX, &id)) return fail(reply, replyn, "bad broker id '%s'", argv[1], NULL);
    if (rtt && !parse_int(argv[2], 0, 3600000, &ms)) return fail(reply, replyn, "bad round-trip time '%s' (ms)", argv[2], NULL);
    rd_kafka_resp_err_t e = rtt                        ? rd_kafka_mock_broker_set_rtt(mc, (int32_t)id, (int)ms)
                          : !strcmp(argv[0], "down") ? rd_kafka_mock_broker_set_down(mc, (int32_t)id)
                                                     : rd_kafka_mock_broker_set_up(mc, (int32_t)id);
    if (e == RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE || e == RD_KAFKA_RESP_ERR__UNKNOWN_BROKER)
        return fail(reply, replyn, "no broker with id %s", argv[1], NULL);
    return answer(e, reply, replyn);
}

/* `errors API COUNT ERROR`. */
static int errors_cmd(rd_kafka_mock_cluster_t *mc, char **argv, int argc, char *reply, size_t replyn) {
    if (argc != 4) return fail(reply, replyn, "usage: errors API COUNT ERROR-NAME", NULL, NULL);
    int api = api_key(argv[1]);
    long long cnt;
    rd_kafka_resp_err_t code;
    if (api < 0) return fail(reply, replyn, "unknown API '%s' (Produce, Fetch, Metadata, ... or a number)", argv[1], NULL);
    if (!parse_int(argv[2], 1, MAX_ERRORS, &cnt)) return fail(reply, replyn, "bad count '%s'", argv[2], NULL);
    if (!err_code(argv[3], &code)) return fail(reply, replyn, "unknown error '%s'", argv[3], NULL);
    rd_kafka_resp_err_t *codes = malloc(sizeof *codes * (size_t)cnt);
    for (long long i = 0; i < cnt; i++) codes[i] = code;
    rd_kafka_mock_push_request_errors_array(mc, (int16_t)api, (size_t)cnt, codes);
    free(codes);
    return answer(RD_KAFKA_RESP_ERR_NO_ERROR, reply, replyn);
}

int cn_broker_command(struct rd_kafka_mock_cluster_s *mc, const char *line, char *reply, size_t replyn) {
    char buf[1024], *argv[MAX_ARGS];
    if (!line) line = "";
    if (strlen(line) >= sizeof buf) return fail(reply, replyn, "command too long", NULL, NULL);
    int argc = split(line, buf, sizeof buf, argv);
    if (argc < 0) return fail(reply, replyn, "too many words", NULL, NULL);
    if (argc == 0) return fail(reply, replyn, "empty command", NULL, NULL);
    const char *c = argv[0];
    if (!strcmp(c, "down") || !strcmp(c, "up") || !strcmp(c, "rtt")) return broker_cmd(mc, argv, argc, reply, replyn);
    if (!strcmp(c, "errors")) return errors_cmd(mc, argv, argc, reply, replyn);
    if (!strcmp(c, "topic-error")) {
        rd_kafka_resp_err_t code;
        if (argc != 3) return fail(reply, replyn, "usage: topic-error TOPIC ERROR-NAME", NULL, NULL);
        if (!err_code(argv[2], &code)) return fail(reply, replyn, "unknown error '%s'", argv[2], NULL);
        rd_kafka_mock_topic_set_error(mc, argv[1], code);
        return answer(RD_KAFKA_RESP_ERR_NO_ERROR, reply, replyn);
    }
    if (!strcmp(c, "create")) {
        long long parts;
        if (argc != 3) return fail(reply, replyn, "usage: create TOPIC PARTITIONS", NULL, NULL);
        if (!parse_int(argv[2], 1, 100000, &parts)) return fail(reply, replyn, "bad partition count '%s'", argv[2], NULL);
        rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(mc, argv[1], (int)parts, 1);
        return answer(e, reply, replyn);
    }
    return fail(reply, replyn, "unknown command '%s' (down, up, rtt, errors, topic-error, create)", c, NULL);
}
