package org.sparecycles.server.db;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One page of a list that is too long to show whole (hosts, accounts): its rows, which page it is (from 1), how many
 * pages there are and how many rows in all. Also the pieces the queries behind such a list share.
 */
public record Paged<T>(List<T> rows, int page, int pageCount, long total, int size) {
    /** The page asked for, within the pages {@code total} rows make (the last when asked for more). */
    public static int clamp(long asked, long total, int size) {
        return (int) Math.max(1, Math.min(asked, pageCount(total, size)));
    }

    public static int pageCount(long total, int size) {
        return (int) Math.max(1, (total + size - 1) / size);
    }

    /** The number (from 1) of the page's first row; 0 when there are none. */
    public long first() {
        return rows.isEmpty() ? 0 : (long) (page - 1) * size + 1;
    }

    public long last() {
        return first() == 0 ? 0 : first() + rows.size() - 1;
    }

    /**
     * A search box's condition: rows whose id is the query (when it is a number) or whose text columns contain it in
     * any case. {@code where} is empty for a blank query, else {@code " WHERE (...)"} with {@code args} for it.
     */
    public record Search(String where, List<Object> args) {
        public static Search of(String query, String idColumn, String... textColumns) {
            String q = query == null ? "" : query.strip();
            if (q.isEmpty()) {
                return new Search("", List.of());
            }
            List<String> conditions = new ArrayList<>();
            List<Object> args = new ArrayList<>();
            String pattern = "%" + q.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%";
            for (String column : textColumns) {
                conditions.add("LOWER(" + column + ") LIKE ? ESCAPE '\\'");
                args.add(pattern);
            }
            if (q.matches("[0-9]{1,18}")) {
                conditions.add(idColumn + " = ?");
                args.add(Long.parseLong(q));
            }
            return new Search(" WHERE (" + String.join(" OR ", conditions) + ")", List.copyOf(args));
        }
    }

    /** {@code ?, ?, ?} for {@code n} values. */
    public static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }
}
