/* Pre-order successor in a gumbo tree, without recursion. */
#include "xsweep/html_walk.h"

const GumboNode *xs_html_next(const GumboNode *n)
{
    if (n->type == GUMBO_NODE_ELEMENT && n->v.element.children.length > 0)
        return n->v.element.children.data[0];
    for (;;) {
        const GumboNode *par = n->parent;
        if (!par)
            return NULL;
        size_t next = n->index_within_parent + 1;
        if (next < par->v.element.children.length)
            return par->v.element.children.data[next];
        n = par;
    }
}
