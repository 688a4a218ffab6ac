/* Placeholder until the connectors land. */
#include "cn_connector.h"
#include "../common/sl_error.h"
cn_source *cn_source_open(const cn_spec *spec, char **err) { (void)spec; *err = sl_strdupf("connectors not built yet"); return NULL; }
int cn_source_poll(cn_source *s, sl_batch *out, int timeout_ms, char **err) { (void)s; (void)out; (void)timeout_ms; (void)err; return CN_EOF; }
int cn_source_commit(cn_source *s, char **err) { (void)s; (void)err; return 0; }
int64_t cn_source_skipped(const cn_source *s) { (void)s; return 0; }
void cn_source_close(cn_source *s) { (void)s; }
cn_sink *cn_sink_open(const cn_spec *spec, char **err) { (void)spec; *err = sl_strdupf("connectors not built yet"); return NULL; }
int cn_sink_write(cn_sink *s, const sl_batch *b, char **err) { (void)s; (void)b; (void)err; return 0; }
int cn_sink_flush(cn_sink *s, int timeout_ms, char **err) { (void)s; (void)timeout_ms; (void)err; return 0; }
void cn_sink_close(cn_sink *s) { (void)s; }
const char *cn_bootstrap_for(const sl_options *opts, const sl_options *session, char **err) { (void)opts; (void)session; *err = sl_strdupf("no broker"); return NULL; }
int cn_ensure_topic(const char *bootstrap, const char *topic, int partitions, char **err) { (void)bootstrap; (void)topic; (void)partitions; (void)err; return 0; }
void cn_broker_shutdown(void) {}
int cn_broker_run_standalone(int nbrokers, const char *const *topics, int ntopics, const char *addr_file, volatile int *stop) { (void)nbrokers; (void)topics; (void)ntopics; (void)addr_file; (void)stop; return 1; }
