/* sp_keywords.c: the keyword table (words matched case-insensitively). Synonyms share one
 * token: INTEGER/TINYINT/SMALLINT are INT, DEC/NUMERIC are DECIMAL, REAL is FLOAT, plural
 * interval units are the singular. Which keywords also work as identifiers is decided by the
 * grammar's %fallback list, not here. */
#include <string.h>
#include <strings.h>
#include "sp_grammar.h"
#include "sp_token.h"

typedef struct sp_keyword {
    const char *word;
    int code;
} sp_keyword;

static const sp_keyword KEYWORDS[] = {
    {"ALL", TK_ALL}, {"AND", TK_AND}, {"AS", TK_AS}, {"ASC", TK_ASC},
    {"BETWEEN", TK_BETWEEN}, {"BIGINT", TK_BIGINT}, {"BOOLEAN", TK_BOOLEAN}, {"BOTH", TK_BOTH},
    {"BY", TK_BY},
    {"CASE", TK_CASE}, {"CAST", TK_CAST}, {"CHAR", TK_CHAR}, {"COMMENT", TK_COMMENT},
    {"CONSTRAINT", TK_CONSTRAINT}, {"CREATE", TK_CREATE}, {"CROSS", TK_CROSS}, {"CUBE", TK_CUBE},
    {"CURRENT", TK_CURRENT},
    {"CURRENT_DATE", TK_NILADIC}, {"CURRENT_TIME", TK_NILADIC}, {"CURRENT_TIMESTAMP", TK_NILADIC},
    {"DATE", TK_DATE}, {"DAY", TK_DAY}, {"DAYS", TK_DAY}, {"DEC", TK_DECIMAL},
    {"DECIMAL", TK_DECIMAL}, {"DESC", TK_DESC}, {"DESCRIBE", TK_DESCRIBE},
    {"DESCRIPTOR", TK_DESCRIPTOR},
    {"DISTINCT", TK_DISTINCT}, {"DOUBLE", TK_DOUBLE}, {"DROP", TK_DROP},
    {"ELSE", TK_ELSE}, {"END", TK_END}, {"ENFORCED", TK_ENFORCED}, {"ESCAPE", TK_ESCAPE},
    {"EXCEPT", TK_EXCEPT}, {"EXISTS", TK_EXISTS}, {"EXPLAIN", TK_EXPLAIN},
    {"FALSE", TK_FALSE}, {"FILTER", TK_FILTER}, {"FLOAT", TK_FLOAT}, {"FOLLOWING", TK_FOLLOWING},
    {"FOR", TK_FOR}, {"FROM", TK_FROM}, {"FULL", TK_FULL},
    {"GROUP", TK_GROUP}, {"GROUPING", TK_GROUPING},
    {"HAVING", TK_HAVING}, {"HOUR", TK_HOUR}, {"HOURS", TK_HOUR},
    {"IF", TK_IF}, {"IN", TK_IN}, {"INNER", TK_INNER}, {"INSERT", TK_INSERT}, {"INT", TK_INT},
    {"INTEGER", TK_INT}, {"INTERSECT", TK_INTERSECT}, {"INTERVAL", TK_INTERVAL},
    {"INTO", TK_INTO}, {"IS", TK_IS},
    {"JOIN", TK_JOIN},
    {"KEY", TK_KEY},
    {"LATERAL", TK_LATERAL}, {"LEADING", TK_LEADING}, {"LEFT", TK_LEFT}, {"LIKE", TK_LIKE},
    {"LIMIT", TK_LIMIT},
    {"LOCAL", TK_LOCAL}, {"LOCALTIME", TK_NILADIC}, {"LOCALTIMESTAMP", TK_NILADIC},
    {"METADATA", TK_METADATA}, {"MINUTE", TK_MINUTE}, {"MINUTES", TK_MINUTE},
    {"MONTH", TK_MONTH}, {"MONTHS", TK_MONTH},
    {"NOT", TK_NOT}, {"NULL", TK_NULL}, {"NUMERIC", TK_DECIMAL},
    {"ON", TK_ON}, {"OR", TK_OR}, {"ORDER", TK_ORDER}, {"OUTER", TK_OUTER}, {"OVER", TK_OVER},
    {"PARTITION", TK_PARTITION}, {"PLAN", TK_PLAN}, {"POSITION", TK_POSITION},
    {"PRECEDING", TK_PRECEDING}, {"PRECISION", TK_PRECISION}, {"PRIMARY", TK_PRIMARY},
    {"RANGE", TK_RANGE}, {"REAL", TK_FLOAT}, {"RESET", TK_RESET}, {"RIGHT", TK_RIGHT},
    {"ROLLUP", TK_ROLLUP}, {"ROW", TK_ROW}, {"ROWS", TK_ROWS},
    {"SECOND", TK_SECOND}, {"SECONDS", TK_SECOND}, {"SELECT", TK_SELECT}, {"SET", TK_SET},
    {"SETS", TK_SETS},
    {"SHOW", TK_SHOW}, {"SMALLINT", TK_INT}, {"STRING", TK_STRING}, {"SUBSTRING", TK_SUBSTRING},
    {"TABLE", TK_TABLE}, {"TABLES", TK_TABLES}, {"TEMPORARY", TK_TEMPORARY}, {"THEN", TK_THEN},
    {"TIME", TK_TIME}, {"TIMESTAMP", TK_TIMESTAMP}, {"TIMESTAMP_LTZ", TK_TIMESTAMP_LTZ},
    {"TINYINT", TK_INT}, {"TO", TK_TO}, {"TRAILING", TK_TRAILING}, {"TRIM", TK_TRIM},
    {"TRUE", TK_TRUE}, {"TRY_CAST", TK_TRY_CAST},
    {"UNBOUNDED", TK_UNBOUNDED}, {"UNION", TK_UNION}, {"UNKNOWN", TK_UNKNOWN}, {"USING", TK_USING},
    {"VALUES", TK_VALUES}, {"VARCHAR", TK_VARCHAR}, {"VIEW", TK_VIEW}, {"VIEWS", TK_VIEWS},
    {"VIRTUAL", TK_VIRTUAL},
    {"WATERMARK", TK_WATERMARK}, {"WHEN", TK_WHEN}, {"WHERE", TK_WHERE}, {"WINDOW", TK_WINDOW},
    {"WITH", TK_WITH}, {"WITHOUT", TK_WITHOUT},
    {"YEAR", TK_YEAR}, {"YEARS", TK_YEAR},
    {"ZONE", TK_ZONE},
};

/* Compares the word z[0..n) with a table entry, ignoring case, in the table's sort order. */
static int word_cmp(const char *z, int n, const char *word) {
    int wn = (int)strlen(word);
    int m = n < wn ? n : wn;
    int c = strncasecmp(z, word, (size_t)m);
    if (c) return c;
    return n - wn;
}

/* Binary search of the (alphabetically sorted) table; the longest keyword has 17 bytes, so
 * longer words are identifiers without a search. */
int sp_keyword_code(const char *z, int n) {
    if (n < 2 || n > 17) return TK_ID;
    int lo = 0, hi = (int)(sizeof KEYWORDS / sizeof KEYWORDS[0]) - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        int c = word_cmp(z, n, KEYWORDS[mid].word);
        if (c == 0) return KEYWORDS[mid].code;
        if (c < 0) hi = mid - 1;
        else lo = mid + 1;
    }
    return TK_ID;
}
