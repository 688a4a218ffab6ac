/* sp_normalize.c: the normalized text of a statement: its tokens separated by single spaces,
 * comments dropped, keywords and unquoted names upper-cased, literals and quoted names kept as
 * written. Two spellings of one statement (other spacing, comments, case of keywords) give the
 * same text, which names the job's state (runtime/rt_job_id.c). */
#include <ctype.h>
#include <string.h>
#include "../common/sl_buf.h"
#include "sp_grammar.h"
#include "sp_parse.h"
#include "sp_token.h"

char *sp_normalize(const char *text) {
    sl_buf b = {0};
    sp_lexer lx;
    sp_lex_init(&lx, text, strlen(text));
    sp_token t;
    for (;;) {
        int type = sp_lex_next(&lx, &t);
        if (type == SP_TK_EOF || type == SP_TK_ERROR) break;
        if (type == TK_SEMI) continue;
        if (b.len) sl_buf_putc(&b, ' ');
        bool keep = type == TK_STR || type == TK_QID;
        for (int i = 0; i < t.n; i++) sl_buf_putc(&b, keep ? t.z[i] : (char)toupper((unsigned char)t.z[i]));
    }
    return sl_buf_steal(&b);
}
