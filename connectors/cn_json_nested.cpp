// cn_json_nested.cpp: fields inside the objects of a record's top-level fields, in one pass
// (debezium-json's 'before' and 'after' images). Kept apart from cn_json_simd.cpp, whose flat
// extractor is compiled alone for speed (cn_json_simd.h).
#include "cn_json_simd.h"

// Top-level fields tops[]; those holding objects have the fields names[] extracted from inside.
extern "C" int cn_json_extract_nested(cn_json_parser *jp, const char *data, size_t len, const char *const *tops,
                                      const size_t *top_lens, int ntop, cn_json_val *top, const char *const *names,
                                      const size_t *name_lens, int n, cn_json_val *sub, const char **err) {
    using namespace simdjson;
    for (int t = 0; t < ntop; t++) top[t].kind = CN_JSON_MISSING;
    for (int i = 0; i < ntop * n; i++) sub[i].kind = CN_JSON_MISSING;
    ondemand::document doc;
    ondemand::object obj;
    if (!open_object(jp, data, len, doc, obj, err)) return -1;
    error_code e;
    for (auto fr : obj) {
        ondemand::field field;
        if ((e = std::move(fr).get(field))) { *err = error_message(e); return -1; }
        std::string_view key;
        if ((e = field.unescaped_key().get(key))) { *err = error_message(e); return -1; }
        int idx = -1;
        for (int t = 0; t < ntop && idx < 0; t++)
            if (top_lens[t] == key.size() && std::memcmp(tops[t], key.data(), key.size()) == 0) idx = t;
        ondemand::value v = field.value();
        if (idx < 0) {
            if (!valid_skipped(v)) { *err = "malformed value"; return -1; }
            continue;
        }
        ondemand::json_type t;
        if ((e = v.type().get(t))) { *err = why(e); return -1; }
        if (t != ondemand::json_type::object) {
            if (!read_value(v, &top[idx], err)) return -1;
            continue;
        }
        ondemand::object inner;
        if ((e = v.get_object().get(inner))) { *err = why(e); return -1; }
        if (!scan_object(inner, names, name_lens, n, sub + (size_t)idx * (size_t)n, err)) return -1;
        top[idx].kind = CN_JSON_OBJECT;
        top[idx].p = NULL;
        top[idx].n = 0;
    }
    return 0;
}
