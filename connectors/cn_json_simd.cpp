// cn_json_simd.cpp: the project's only C++: a small extern "C" shim over simdjson's On-Demand
// API, because simdjson decodes JSON about 3.5x faster than cJSON (shared/notes/building-blocks.md).
// It finds the requested fields of one object; the C side converts them to column values.
#include <simdjson.h>

#include <cstring>
#include <utility>
#include <string>

extern "C" {
#include "cn_internal.h"
}

struct cn_json_parser {
    simdjson::ondemand::parser parser;
    std::string padded;  // the record copied with SIMDJSON_PADDING readable bytes after it
};

extern "C" cn_json_parser *cn_json_parser_new(void) { return new cn_json_parser(); }
extern "C" void cn_json_parser_free(cn_json_parser *p) { delete p; }

// Finds the fields named names[0..n) in one JSON object.
extern "C" int cn_json_extract(cn_json_parser *jp, const char *data, size_t len, const char *const *names,
                               const size_t *name_lens, int n, cn_json_val *out, const char **err) {
    using namespace simdjson;
    for (int i = 0; i < n; i++) out[i].kind = CN_JSON_MISSING;
    if (jp->padded.size() < len + SIMDJSON_PADDING) jp->padded.resize(len + SIMDJSON_PADDING);
    std::memcpy(&jp->padded[0], data, len);
    std::memset(&jp->padded[len], 0, SIMDJSON_PADDING);
    ondemand::document doc;
    error_code e = jp->parser.iterate(padded_string_view(jp->padded.data(), len, jp->padded.size())).get(doc);
    if (e) { *err = error_message(e); return -1; }
    ondemand::object obj;
    if ((e = doc.get_object().get(obj))) { *err = "the value is not a JSON object"; return -1; }
    for (auto fr : obj) {
        ondemand::field field;
        if ((e = std::move(fr).get(field))) { *err = error_message(e); return -1; }
        std::string_view key;
        if ((e = field.unescaped_key().get(key))) { *err = error_message(e); return -1; }
        int idx = -1;
        for (int i = 0; i < n; i++)
            if (name_lens[i] == key.size() && std::memcmp(names[i], key.data(), key.size()) == 0) { idx = i; break; }
        if (idx < 0) continue;  // unread values are skipped by the iteration
        ondemand::value v = field.value();
        ondemand::json_type t;
        if ((e = v.type().get(t))) { *err = error_message(e); return -1; }
        cn_json_val *o = &out[idx];
        switch (t) {
        case ondemand::json_type::null: {
            bool isnull = false;
            if ((e = v.is_null().get(isnull))) { *err = error_message(e); return -1; }
            o->kind = CN_JSON_NULL;
            break;
        }
        case ondemand::json_type::boolean:
            if ((e = v.get_bool().get(o->b))) { *err = error_message(e); return -1; }
            o->kind = CN_JSON_BOOL;
            break;
        case ondemand::json_type::number: {
            std::string_view raw = v.raw_json_token();
            while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' || raw.back() == '\r'))
                raw.remove_suffix(1);
            // the converter parses the text itself; here only reject what cannot be a number
            // (cheaper than letting simdjson parse it into a double we would throw away)
            for (char c : raw)
                if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
                    *err = "malformed number";
                    return -1;
                }
            o->kind = CN_JSON_NUMBER;
            o->p = raw.data();
            o->n = raw.size();
            break;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            if ((e = v.get_string().get(s))) { *err = error_message(e); return -1; }
            o->kind = CN_JSON_STRING;
            o->p = s.data();
            o->n = s.size();
            break;
        }
        case ondemand::json_type::object: {
            // kept as JSON text: a STRING column reads it as Flink does (the node's toString)
            ondemand::object sub;
            std::string_view raw;
            if ((e = v.get_object().get(sub)) || (e = sub.raw_json().get(raw))) { *err = error_message(e); return -1; }
            o->kind = CN_JSON_OTHER;
            o->p = raw.data();
            o->n = raw.size();
            break;
        }
        case ondemand::json_type::array: {
            ondemand::array sub;
            std::string_view raw;
            if ((e = v.get_array().get(sub)) || (e = sub.raw_json().get(raw))) { *err = error_message(e); return -1; }
            o->kind = CN_JSON_OTHER;
            o->p = raw.data();
            o->n = raw.size();
            break;
        }
        default:
            o->kind = CN_JSON_OTHER;
            o->n = 0;
            break;
        }
    }
    return 0;
}
