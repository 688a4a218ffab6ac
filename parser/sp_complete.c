/* sp_complete.c: sp_statement_complete, which tells the interactive shell whether the lines
 * typed so far end a statement. */
#include <string.h>
#include "sp_grammar.h"
#include "sp_parse.h"
#include "sp_token.h"

/* True when the last token of `text` is a ';' (only whitespace and comments after it). An
 * unterminated string, quoted identifier or comment means the user is still typing; other
 * bad bytes are skipped (the parser reports them once the statement is submitted). */
bool sp_statement_complete(const char *text) {
    if (!text) return false;
    sp_lexer lx;
    sp_lex_init(&lx, text, strlen(text));
    bool last_semi = false;
    for (;;) {
        sp_token t;
        int type = sp_lex_next(&lx, &t);
        if (type == SP_TK_EOF) return last_semi;
        if (type == SP_TK_ERROR) {
            if (lx.err_unterminated) return false;
            if (lx.pos == (size_t)t.offset) lx.pos++; /* never stall on a bad byte */
            last_semi = false;
            continue;
        }
        last_semi = type == TK_SEMI;
    }
}
