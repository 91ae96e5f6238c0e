/* One iterative pre-order walk over a gumbo tree, shared by the SSO evidence scan and the
 * Wappalyzer dom selectors: hostile nesting cannot exhaust the stack. */
#ifndef XSWEEP_HTML_WALK_H
#define XSWEEP_HTML_WALK_H
#include <gumbo.h>

/* The node after n in document order (an element's first child first), or NULL at the end. */
const GumboNode *xs_html_next(const GumboNode *n);

#endif
