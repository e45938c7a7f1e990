package org.sparecycles.client.ui;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How durations, times and credit read in the UI. */
public final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private Format() {
    }

    /** "1:02:03" or "4:05". */
    public static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    public static String time(Instant t) {
        return t == null ? "" : TIME.format(t);
    }

    public static String credit(double c) {
        return String.format(Locale.ROOT, c != 0 && Math.abs(c) < 1 ? "%.4f" : "%,.2f", c);
    }

    public static String ago(Duration d) {
        return d == null ? "unknown" : duration(d.toMillis() / 1000.0);
    }
}
