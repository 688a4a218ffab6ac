// cn_json_simd.h: what the simdjson shim's two files share (cn_json_simd.cpp: flat records,
// cn_json_nested.cpp: fields inside nested objects): the parser state and the value readers.
// Everything is inlined into its caller: the flat extractor is the hot path of every JSON
// source, and compiled beside other users of these helpers (in one file, or out of line) it
// measured ~30% slower per record. C++ only, internal to connectors/.
#ifndef CN_JSON_SIMD_H
#define CN_JSON_SIMD_H

#include <simdjson.h>

#include <cstring>
#include <utility>
#include <string>

extern "C" {
#include "cn_internal.h"
}

#define CN_JSON_INLINE static inline __attribute__((always_inline))

struct cn_json_parser {
    simdjson::ondemand::parser parser;
    std::string padded;  // the record copied with SIMDJSON_PADDING readable bytes after it
};

// True when `raw` (a token, maybe followed by blanks) is a JSON number as RFC 8259 spells it:
// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?  (so "-", "01", "1." and "+1" are malformed).
CN_JSON_INLINE bool valid_number(std::string_view raw) {
    size_t i = 0, n = raw.size();
    auto digit = [&](size_t k) { return k < n && raw[k] >= '0' && raw[k] <= '9'; };
    if (i < n && raw[i] == '-') i++;
    if (!digit(i)) return false;
    if (raw[i] == '0') i++;
    else while (digit(i)) i++;
    if (i < n && raw[i] == '.') {
        if (!digit(++i)) return false;
        while (digit(i)) i++;
    }
    if (i < n && (raw[i] == 'e' || raw[i] == 'E')) {
        i++;
        if (i < n && (raw[i] == '+' || raw[i] == '-')) i++;
        if (!digit(i)) return false;
        while (digit(i)) i++;
    }
    return i == n;
}

// Drops the blanks simdjson leaves after a scalar token.
CN_JSON_INLINE std::string_view trim_token(std::string_view raw) {
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\t' || raw.back() == '\r'))
        raw.remove_suffix(1);
    return raw;
}

// True when the value of a field nobody reads is well-formed at its top level: On-Demand skips
// such values without looking at their atoms, so "tru" or "-" would otherwise pass (Flink's
// Jackson rejects the record). Strings, objects and arrays were checked structurally by stage 1;
// the type is read from the first character alone, so they cost nothing more here.
CN_JSON_INLINE bool valid_skipped(simdjson::ondemand::value &v) {
    using namespace simdjson::ondemand;
    json_type t;
    if (v.type().get(t)) return false;
    switch (t) {
    case json_type::object: case json_type::array: case json_type::string: return true;
    case json_type::boolean: { bool b; return !v.get_bool().get(b); }
    case json_type::null: { bool n; return !v.is_null().get(n) && n; }
    default: return valid_number(trim_token(v.raw_json_token()));
    }
}

// The reason for a failed access: a literal that is not one ("tru", "nul") reads as a type error
// in simdjson, but the record is malformed.
CN_JSON_INLINE const char *why(simdjson::error_code e) {
    return e == simdjson::INCORRECT_TYPE ? "malformed value" : simdjson::error_message(e);
}

// Reads one value into *o (scalars as text, objects and arrays as their JSON text).
CN_JSON_INLINE bool read_value(simdjson::ondemand::value &v, cn_json_val *o, const char **err) {
    using namespace simdjson;
    ondemand::json_type t;
    error_code e;
    if ((e = v.type().get(t))) { *err = why(e); return false; }
    switch (t) {
    case ondemand::json_type::null: {
        bool isnull = false;
        if ((e = v.is_null().get(isnull))) { *err = why(e); return false; }
        if (!isnull) { *err = "malformed value"; return false; }  // e.g. "nul"
        o->kind = CN_JSON_NULL;
        return true;
    }
    case ondemand::json_type::boolean:
        if ((e = v.get_bool().get(o->b))) { *err = why(e); return false; }
        o->kind = CN_JSON_BOOL;
        return true;
    case ondemand::json_type::number: {
        std::string_view raw = trim_token(v.raw_json_token());
        // the converter parses the text itself; here only check the JSON number grammar
        // (cheaper than letting simdjson parse it into a double we would throw away)
        if (!valid_number(raw)) { *err = "malformed number"; return false; }
        o->kind = CN_JSON_NUMBER;
        o->p = raw.data();
        o->n = raw.size();
        return true;
    }
    case ondemand::json_type::string: {
        std::string_view s;
        if ((e = v.get_string().get(s))) { *err = why(e); return false; }
        o->kind = CN_JSON_STRING;
        o->p = s.data();
        o->n = s.size();
        return true;
    }
    case ondemand::json_type::object: {
        // kept as JSON text: a STRING column reads it as Flink does (the node's toString)
        ondemand::object sub;
        std::string_view raw;
        if ((e = v.get_object().get(sub)) || (e = sub.raw_json().get(raw))) { *err = why(e); return false; }
        o->kind = CN_JSON_OTHER;
        o->p = raw.data();
        o->n = raw.size();
        return true;
    }
    case ondemand::json_type::array: {
        ondemand::array sub;
        std::string_view raw;
        if ((e = v.get_array().get(sub)) || (e = sub.raw_json().get(raw))) { *err = why(e); return false; }
        o->kind = CN_JSON_OTHER;
        o->p = raw.data();
        o->n = raw.size();
        return true;
    }
    default:
        o->kind = CN_JSON_OTHER;
        o->n = 0;
        return true;
    }
}

// Finds the fields named names[0..n) among the fields of obj; the others are checked and skipped.
CN_JSON_INLINE bool scan_object(simdjson::ondemand::object &obj, const char *const *names, const size_t *name_lens,
                                int n, cn_json_val *out, const char **err) {
    using namespace simdjson;
    for (int i = 0; i < n; i++) out[i].kind = CN_JSON_MISSING;
    error_code e;
    int hint = 0;
    for (auto fr : obj) {
        ondemand::field field;
        if ((e = std::move(fr).get(field))) { *err = error_message(e); return false; }
        std::string_view key;
        if ((e = field.unescaped_key().get(key))) { *err = error_message(e); return false; }
        // records usually repeat one field order: start looking after the last field found
        int idx = -1;
        for (int k = 0; k < n; k++) {
            int i = hint + k < n ? hint + k : hint + k - n;
            if (name_lens[i] == key.size() && std::memcmp(names[i], key.data(), key.size()) == 0) { idx = i; break; }
        }
        if (idx >= 0) hint = idx + 1 < n ? idx + 1 : 0;
        ondemand::value v = field.value();
        if (idx < 0) {  // unread values are skipped by the iteration; only their atoms are checked
            if (!valid_skipped(v)) { *err = "malformed value"; return false; }
            continue;
        }
        if (!read_value(v, &out[idx], err)) return false;
    }
    return true;
}

// Iterates the record (copied into the padded buffer) as a document whose root is an object.
CN_JSON_INLINE bool open_object(cn_json_parser *jp, const char *data, size_t len,
                                simdjson::ondemand::document &doc, simdjson::ondemand::object &obj,
                                const char **err) {
    using namespace simdjson;
    if (jp->padded.size() < len + SIMDJSON_PADDING) jp->padded.resize(len + SIMDJSON_PADDING);
    std::memcpy(&jp->padded[0], data, len);
    std::memset(&jp->padded[len], 0, SIMDJSON_PADDING);
    error_code e = jp->parser.iterate(padded_string_view(jp->padded.data(), len, jp->padded.size())).get(doc);
    if (e) { *err = error_message(e); return false; }
    if ((e = doc.get_object().get(obj))) {
        *err = e == INCORRECT_TYPE ? "the value is not a JSON object" : error_message(e);
        return false;
    }
    return true;
}

#endif
