/* Retention: keep the endpoint rows of the newest N finished sweeps (and of anything newer). */
#include "store_internal.h"

int xs_sqlite_prune(xs_store *s, unsigned keep_last_n)
{
    if (keep_last_n == 0)
        return 0;
    if (xs_store_commit(s) < 0 || xs_store_begin(s) < 0)
        return -1;
    /* The oldest sweep kept: the Nth newest finished one. Sweeps that never finished do not
     * count, so a run of crashed scans cannot push the last good sweeps out. */
    sqlite3_stmt *st = NULL;
    int64_t oldest_kept = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id FROM sweeps WHERE ended IS NOT NULL"
                           " ORDER BY id DESC LIMIT 1 OFFSET ?1",
                           -1, &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, (int64_t)keep_last_n - 1);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        oldest_kept = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    st = NULL;
    if (!oldest_kept) /* fewer than N finished sweeps: nothing to prune */
        return xs_store_commit(s);

    if (sqlite3_prepare_v2(s->db, "DELETE FROM endpoints WHERE sweep < ?1", -1, &st, NULL) !=
        SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, oldest_kept);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    sqlite3_finalize(st);
    if (sqlite3_prepare_v2(s->db, "UPDATE sweeps SET pruned = 1 WHERE id < ?1 AND pruned = 0", -1,
                           &st, NULL) != SQLITE_OK)
        goto fail;
    sqlite3_bind_int64(st, 1, oldest_kept);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto fail;
    int pruned = sqlite3_changes(s->db);
    sqlite3_finalize(st);
    return xs_store_commit(s) < 0 ? -1 : pruned;
fail:
    xs_store_fail(s, "cannot prune");
    sqlite3_finalize(st);
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_transaction = false;
    return -1;
}
