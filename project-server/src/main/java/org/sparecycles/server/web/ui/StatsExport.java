package org.sparecycles.server.web.ui;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.sparecycles.server.db.Jdbc;
import org.sparecycles.server.stats.Activity;
import org.sparecycles.server.stats.Stats;
import org.sparecycles.workunits.json.Json;

/**
 * {@code GET /stats/daily.json}: the statistics file for aggregator sites, made at most once per UTC day (the
 * first request of the day builds it). Accounts appear with their name only when they opted in; no e-mail
 * addresses and no host names are exported. Format: docs/admin-guide.md ("Statistics export").
 */
final class StatsExport {
    static final int FORMAT_VERSION = 1;

    private record Daily(LocalDate day, byte[] json) {
    }

    private StatsExport() {
    }

    static void register(WebUi ui) {
        AtomicReference<Daily> cache = new AtomicReference<>();
        ui.get("/stats/daily.json", ex -> {
            LocalDate today = LocalDate.ofInstant(ui.clock().instant(), ZoneOffset.UTC);
            Daily daily = cache.get();
            if (daily == null || !daily.day().equals(today)) {
                daily = new Daily(today, build(ui.services()));
                cache.set(daily);
            }
            ex.header("Cache-Control", "public, max-age=3600");
            ex.bytes(200, "application/json; charset=utf-8", daily.json());
        });
    }

    static byte[] build(WebUi.Services s) throws Exception {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", "sparecycles-stats");
        root.put("version", FORMAT_VERSION);
        root.put("generated_at", s.clock().instant().toString());
        ArrayNode accounts = root.putArray("accounts");
        var shown = s.jdbc().query("SELECT id, show_name FROM accounts", rs -> new long[] {rs.getLong(1),
                rs.getBoolean(2) ? 1 : 0});
        java.util.Set<Long> optedIn = new java.util.HashSet<>();
        shown.forEach(r -> {
            if (r[1] == 1) {
                optedIn.add(r[0]);
            }
        });
        for (Stats.AccountStats a : s.stats().accounts()) {
            ObjectNode n = accounts.addObject();
            n.put("id", a.accountId());
            if (optedIn.contains(a.accountId())) {
                n.put("name", a.name());
            } else {
                n.putNull("name");
            }
            n.put("total_credit", round(a.totalCredit()));
            n.put("recent_credit", round(a.recentCredit()));
            n.put("valid_results", a.valid());
        }
        ArrayNode hosts = root.putArray("hosts");
        s.jdbc().query("SELECT id, account_id, os_name, cpu_model, cores, created_at FROM hosts ORDER BY id", rs -> {
            ObjectNode n = hosts.addObject();
            n.put("id", rs.getLong(1));
            n.put("account_id", rs.getLong(2));
            n.put("os_name", rs.getString(3));
            n.put("cpu_model", rs.getString(4));
            n.put("cores", rs.getInt(5));
            n.put("created_at", Jdbc.instant(rs, "created_at").toString());
            return n;
        });
        var byId = new java.util.HashMap<Long, Stats.HostStats>();
        s.stats().hosts().forEach(h -> byId.put(h.hostId(), h));
        for (var n : hosts) {
            Stats.HostStats h = byId.get(n.get("id").asLong());
            ((ObjectNode) n).put("total_credit", h == null ? 0 : round(h.totalCredit()));
            ((ObjectNode) n).put("recent_credit", h == null ? 0 : round(h.recentCredit()));
        }
        ArrayNode days = root.putArray("credit_per_day");
        for (Activity.Point p : new Activity(s.jdbc(), s.clock()).creditPerDay(30, null)) {
            days.addObject().put("date", p.label()).put("credit", round(p.value()));
        }
        return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
