package org.sparecycles.server.lifecycle;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Where one query of a background job resumes: a pass reads at most {@link #limit()} rows whose id (or another
 * increasing column) is after {@link #after()}, in that order ({@code ... AND id > ? ORDER BY ..., id LIMIT ?}, along
 * an index that ends with that column, so the database reads only those rows), so a backlog is worked off in passes
 * of bounded size. Each such pass validates, transitions and merges its share before the next one starts, so work units
 * come out done as the backlog goes down instead of all at the end of one long pass, and a crash redoes at most one
 * pass. Rows that stay selected after a pass (a failure tried again later, a work unit waiting for more results) do
 * not keep later passes from the rows after them. Used by the passes' one thread at a time.
 */
public final class PassCursor {
    /** Rows a query reads in one pass unless told otherwise. */
    public static final int LIMIT = 2000;

    private final int limit;
    private long after;
    private boolean more;

    public PassCursor() {
        this(LIMIT);
    }

    public PassCursor(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("a pass must read at least one row, not " + limit);
        }
        this.limit = limit;
    }

    /** The id the next read starts after (0: from the start). */
    public long after() {
        return after;
    }

    /** The most rows the next read may take. */
    public int limit() {
        return limit;
    }

    /**
     * Moves past the rows a read returned, in id order, and returns them. A full read leaves the cursor at its last
     * row; a shorter one wraps it to the start.
     */
    public <T> List<T> advance(List<T> rows, ToLongFunction<T> id) {
        boolean full = rows.size() >= limit;
        // a read that started past the beginning may have left rows before it: the next pass goes back for them
        more = full || after > 0;
        after = full ? id.applyAsLong(rows.get(rows.size() - 1)) : 0;
        return rows;
    }

    /** Whether the last read may have left rows for another pass: it was full, or it did not start at the beginning. */
    public boolean more() {
        return more;
    }
}
