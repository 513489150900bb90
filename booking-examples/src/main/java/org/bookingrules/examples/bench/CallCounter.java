package org.bookingrules.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the calls that a benchmark database's pooled connections make to the database while it is set
 * on them ({@link BenchDatabase#countCalls}): each prepared statement executed (by its first words), each
 * commit and rollback, and each read or change of the isolation level (on PostgreSQL's driver both are a
 * round trip). The profile of the load benchmark. Thread-safe.
 */
public final class CallCounter {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    /**
     * Counts one call.
     *
     * @param what the call's label
     */
    void record(String what) {
        counts.computeIfAbsent(what, k -> new LongAdder()).increment();
    }

    /**
     * Counts one statement execution.
     *
     * @param sql the statement's text
     */
    void statement(String sql) {
        record(label(sql));
    }

    /** Forgets every count. */
    public void reset() {
        counts.clear();
    }

    /** @return the counts so far, by label */
    public Map<String, Long> snapshot() {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }

    /** @return the sum of all counts */
    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    private static final Pattern INSERT_INTO = Pattern.compile("(?i)INSERT INTO (\\w+)");

    /** A statement's label: its verb and table, e.g. {@code SELECT br_resource_lock}, {@code INSERT br_outbox}. */
    static String label(String sql) {
        String s = sql.trim().replaceAll("\\s+", " ");
        String upper = s.toUpperCase(Locale.ROOT);
        String verb = upper.split(" ", 2)[0];
        if (verb.equals("WITH")) {
            // Data-modifying WITH (PostgreSQL): the tables it inserts into, in the statement's order.
            List<String> inserts = new ArrayList<>();
            Matcher m = INSERT_INTO.matcher(s);
            while (m.find()) {
                inserts.add("INSERT " + m.group(1));
            }
            return "sql " + String.join(" + ", inserts) + " (one WITH statement)";
        }
        String table = "";
        int at = switch (verb) {
            case "SELECT" -> upper.indexOf(" FROM ") + 6;
            case "INSERT" -> upper.indexOf(" INTO ") + 6;
            case "MERGE" -> upper.indexOf(" INTO ") + 6;
            case "UPDATE" -> 7;
            case "DELETE" -> upper.indexOf(" FROM ") + 6;
            default -> -1;
        };
        if (at > 5 && at < s.length()) {
            table = " " + s.substring(at).split("[ (]", 2)[0];
        }
        String extra = upper.contains("FOR UPDATE") ? " FOR UPDATE" : "";
        if (verb.equals("SELECT") && upper.startsWith("SELECT 1")) {
            extra += upper.contains("RESOURCE_ID = ?") ? " (overlap check)"
                    : upper.contains("CONFIRMATION_CODE = ?") ? " (code exists check)" : " (id exists check)";
        }
        if (verb.equals("INSERT") && upper.contains("ON CONFLICT")) {
            extra += " ON CONFLICT";
        }
        return "sql " + verb + table + extra;
    }
}
