package org.sparecycles.server.web.ui;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Number and time formats shared by the templates. */
public final class Fmt {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    /** A series as {@code {"labels": [...], "values": [...]}} for a chart's {@code data-chart} attribute. */
    public static String chart(java.util.List<org.sparecycles.server.stats.Activity.Point> points) {
        var node = org.sparecycles.workunits.json.Json.mapper().createObjectNode();
        var labels = node.putArray("labels");
        var values = node.putArray("values");
        for (var p : points) {
            labels.add(p.label());
            values.add(Math.round(p.value() * 10_000) / 10_000.0); // small credit (0.0012) must not show as 0
        }
        return node.toString();
    }

    /** Credit with two decimals, or four below 1 (a few seconds of CPU earn a hundredth). */
    public static String credit(double value) {
        return String.format(Locale.ROOT, value != 0 && Math.abs(value) < 1 ? "%.4f" : "%,.2f", value);
    }

    /** A fraction 0..1 as a percentage with one decimal; "-" when there is nothing to divide. */
    public static String percent(double fraction) {
        return Double.isFinite(fraction) ? String.format(Locale.ROOT, "%.1f%%", fraction * 100) : "-";
    }

    /** {@code part / whole} as a percentage; "-" when whole is 0. */
    public static String rate(long part, long whole) {
        return whole == 0 ? "-" : percent((double) part / whole);
    }

    public static String time(Instant t) {
        return t == null ? "never" : TIME.format(t);
    }

    /** "12 s ago", "3 min ago", "5 h ago", "2 d ago"; "never" for null. */
    public static String ago(Instant t, Instant now) {
        return t == null ? "never" : duration(Duration.between(t, now)) + " ago";
    }

    /** A duration in its largest sensible unit. */
    public static String duration(Duration d) {
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + " s";
        } else if (s < 7200) {
            return s / 60 + " min";
        } else if (s < 172_800) {
            return s / 3600 + " h";
        }
        return s / 86_400 + " d";
    }
}
