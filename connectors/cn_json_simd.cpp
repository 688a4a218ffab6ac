// cn_json_simd.cpp: the project's only C++ (with cn_json_nested.cpp): a small extern "C" shim
// over simdjson's On-Demand API, because simdjson decodes JSON about 3.5x faster than cJSON
// (shared/notes/building-blocks.md). It finds the requested fields of one object; the C side
// converts them to column values. Keep this file to the flat extractor (see cn_json_simd.h).
#include "cn_json_simd.h"

extern "C" cn_json_parser *cn_json_parser_new(void) { return new cn_json_parser(); }
extern "C" void cn_json_parser_free(cn_json_parser *p) { delete p; }

// Finds the fields named names[0..n) in one JSON object.
extern "C" int cn_json_extract(cn_json_parser *jp, const char *data, size_t len, const char *const *names,
                               const size_t *name_lens, int n, cn_json_val *out, const char **err) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::object obj;
    if (!open_object(jp, data, len, doc, obj, err)) return -1;
    return scan_object(obj, names, name_lens, n, out, err) ? 0 : -1;
}

