package org.bookingrules.jdbc.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.bookingrules.jdbc.OutboxJson;
import org.bookingrules.spi.NotificationKind;

/**
 * Checks that the three tables of a change, {@code br_booking}, {@code br_booking_event} (the
 * history) and {@code br_outbox}, agree with each other and with what callers were told
 * ({@link Ledger}): either all of a change is stored or none of it. Run it when no command is
 * running. Reads the tables with plain SQL; stateless.
 *
 * <p>What it checks, each violation named by its rule:
 * <ol>
 *   <li><b>history</b>: every booking has events {@code 1..version} (count = highest seq =
 *       version, lowest seq 1);</li>
 *   <li><b>orphan</b>: no event and no outbox row without its booking;</li>
 *   <li><b>outbox</b>: each outbox row's document lists the notification of its columns (id, kind,
 *       recipient, booking), made for a stored change of the booking (its booking version is an
 *       event of the history, that change's event is of the notification's kind, with the status
 *       the document shows);</li>
 *   <li><b>overlap</b>: no two active bookings of one resource overlap;</li>
 *   <li><b>ledger</b> (when one is given): every stored booking was reported done to a caller,
 *       every booking reported done is stored, its version is the number of events the reported
 *       changes appended and the highest version reported, and its outbox rows are exactly the
 *       notifications the reported changes queued;</li>
 * </ol>
 * When some commands failed with an unknown outcome (the connection died around the commit), a
 * change may be stored that no caller was told of. {@link #runAtLeast} then checks the ledger as a
 * lower bound (what callers were told is stored, with its notifications) and, instead, that every
 * stored change has its notifications: rule <b>notified</b>, each change (a history event not
 * followed by the system's auto-confirmation, which belongs to the same change) has exactly the
 * given number of outbox rows made for its version.
 */
final class ConsistencyCheck {

    /** The event that makes a change of each notification kind (an auto-confirmation may follow it). */
    private static final Map<NotificationKind, String> EVENT_OF = Map.of(
            NotificationKind.BOOKED, "BOOKED",
            NotificationKind.CONFIRMED, "CONFIRMED",
            NotificationKind.CONFIRMATION_REVOKED, "CONFIRMATION_REVOKED",
            NotificationKind.DECLINED, "DECLINED",
            NotificationKind.CANCELLED, "CANCELLED",
            NotificationKind.RESCHEDULED, "RESCHEDULED",
            NotificationKind.REMINDER, "REMINDER_SENT",
            NotificationKind.NO_SHOW, "MARKED_NO_SHOW",
            NotificationKind.COMPLETED, "COMPLETED");

    private ConsistencyCheck() {
    }

    /** What the check found. */
    record Report(int bookings, int events, int outboxRows, List<String> violations) {

        /** @return whether nothing was found wrong */
        boolean consistent() {
            return violations.isEmpty();
        }

        /**
         * @throws AssertionError listing the violations (the first 25), if any
         * @return this report
         */
        Report assertConsistent() {
            if (!violations.isEmpty()) {
                throw new AssertionError("consistency check failed, " + violations.size() + " violation(s) over "
                        + bookings + " bookings, " + events + " events, " + outboxRows + " outbox rows:\n  "
                        + String.join("\n  ", violations.subList(0, Math.min(25, violations.size()))));
            }
            return this;
        }

        @Override
        public String toString() {
            return bookings + " bookings, " + events + " events, " + outboxRows + " outbox rows, "
                    + violations.size() + " violations";
        }
    }

    private record BookingRow(String tenantId, String id, long version, String status) {
    }

    private record EventRow(long seq, String kind, String toStatus) {
    }

    private record OutboxRow(String tenantId, String notificationId, String bookingId, String kind, String recipient,
                             String body) {
    }

    /**
     * Checks the tables without a ledger: rules 1 to 4.
     *
     * @param dataSource where the tables are
     * @return the report
     */
    static Report run(DataSource dataSource) {
        return run(dataSource, null);
    }

    /**
     * Checks the tables, and against the ledger if one is given.
     *
     * @param dataSource where the tables are
     * @param ledger what callers were told, or null
     * @return the report
     */
    static Report run(DataSource dataSource, Ledger ledger) {
        return run(dataSource, ledger, true, -1);
    }

    /**
     * Checks the tables, with the ledger as a lower bound, and that every stored change queued
     * {@code notificationsPerChange} notifications.
     *
     * @param dataSource where the tables are
     * @param ledger what callers were told
     * @param notificationsPerChange the notifications every change queues
     * @return the report
     */
    static Report runAtLeast(DataSource dataSource, Ledger ledger, int notificationsPerChange) {
        return run(dataSource, ledger, false, notificationsPerChange);
    }

    private static Report run(DataSource dataSource, Ledger ledger, boolean exact, int notificationsPerChange) {
        try (Connection c = dataSource.getConnection()) {
            Map<String, BookingRow> bookings = bookings(c);
            Map<String, TreeMap<Long, EventRow>> events = events(c);
            List<OutboxRow> outbox = outbox(c);
            List<String> violations = new ArrayList<>();
            history(bookings, events, violations);
            orphans(bookings, events, outbox, violations);
            outboxRows(bookings, events, outbox, violations);
            overlaps(c, violations);
            if (ledger != null) {
                ledger(bookings, outbox, ledger, exact, violations);
            }
            if (notificationsPerChange >= 0) {
                notified(bookings, events, outbox, notificationsPerChange, violations);
            }
            int eventCount = events.values().stream().mapToInt(Map::size).sum();
            return new Report(bookings.size(), eventCount, outbox.size(), List.copyOf(violations));
        } catch (SQLException e) {
            throw new IllegalStateException("consistency check could not read the tables: SQLState "
                    + e.getSQLState(), e);
        }
    }

    // ---------------------------------------------------------------------------------- rules

    private static void history(Map<String, BookingRow> bookings, Map<String, TreeMap<Long, EventRow>> events,
                                List<String> violations) {
        bookings.forEach((key, b) -> {
            TreeMap<Long, EventRow> history = events.getOrDefault(key, new TreeMap<>());
            if (history.isEmpty()) {
                violations.add("history: booking " + key + " v" + b.version() + " has no events");
                return;
            }
            long count = history.size();
            long lowest = history.firstKey();
            long highest = history.lastKey();
            if (count != b.version() || highest != b.version() || lowest != 1) {
                violations.add("history: booking " + key + " v" + b.version() + " has " + count + " events, seq "
                        + lowest + ".." + highest);
            }
        });
    }

    private static void orphans(Map<String, BookingRow> bookings, Map<String, TreeMap<Long, EventRow>> events,
                                List<OutboxRow> outbox, List<String> violations) {
        events.forEach((key, history) -> {
            if (!bookings.containsKey(key)) {
                violations.add("orphan: " + history.size() + " events of missing booking " + key);
            }
        });
        for (OutboxRow row : outbox) {
            if (!bookings.containsKey(Ledger.key(row.tenantId(), row.bookingId()))) {
                violations.add("orphan: outbox row " + row.notificationId() + " of missing booking "
                        + Ledger.key(row.tenantId(), row.bookingId()));
            }
        }
    }

    private static void outboxRows(Map<String, BookingRow> bookings, Map<String, TreeMap<Long, EventRow>> events,
                                   List<OutboxRow> outbox, List<String> violations) {
        for (OutboxRow row : outbox) {
            String key = Ledger.key(row.tenantId(), row.bookingId());
            String where = "outbox: row " + row.notificationId() + " of " + key + ": ";
            Properties p = parse(row);
            if (p == null || !row.kind().equals(p.getProperty("kind"))
                    || !row.recipient().equals(p.getProperty("notification.recipient"))
                    || !row.bookingId().equals(p.getProperty("booking.id"))
                    || !row.tenantId().equals(p.getProperty("booking.tenantId"))) {
                violations.add(where + "document does not match its columns");
                continue;
            }
            BookingRow booking = bookings.get(key);
            if (booking == null) {
                continue; // an orphan, reported already
            }
            long version = Long.parseLong(p.getProperty("booking.version"));
            TreeMap<Long, EventRow> history = events.getOrDefault(key, new TreeMap<>());
            EventRow last = history.get(version);
            if (version < 1 || version > booking.version() || last == null) {
                violations.add(where + "made for version " + version + ", which has no event (booking v"
                        + booking.version() + ")");
                continue;
            }
            EventRow cause = "AUTO_CONFIRMED".equals(last.kind()) ? history.get(version - 1) : last;
            String expected = EVENT_OF.get(NotificationKind.valueOf(row.kind()));
            if (cause == null || !cause.kind().equals(expected)) {
                violations.add(where + row.kind() + " notification for a change whose event is "
                        + (cause == null ? "missing" : cause.kind()));
            }
            if (!last.toStatus().equals(p.getProperty("booking.status"))) {
                violations.add(where + "shows status " + p.getProperty("booking.status") + ", the change made "
                        + last.toStatus());
            }
        }
    }

    private static void overlaps(Connection c, List<String> violations) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT a.tenant_id, a.resource_id, a.id, b.id "
                + "FROM br_booking a JOIN br_booking b ON a.tenant_id = b.tenant_id AND a.resource_id = b.resource_id "
                + "AND a.id < b.id WHERE a.status IN ('PENDING', 'CONFIRMED') AND b.status IN ('PENDING', 'CONFIRMED') "
                + "AND a.slot_start < b.slot_end AND b.slot_start < a.slot_end");
             ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                violations.add("overlap: active bookings " + rows.getString(3) + " and " + rows.getString(4)
                        + " of resource " + rows.getString(2) + " (tenant " + rows.getString(1) + ") overlap");
            }
        }
    }

    private static void notified(Map<String, BookingRow> bookings, Map<String, TreeMap<Long, EventRow>> events,
                                 List<OutboxRow> outbox, int perChange, List<String> violations) {
        Map<String, Map<Long, Integer>> rowsByVersion = new HashMap<>();
        for (OutboxRow row : outbox) {
            Properties p = parse(row);
            long version = p == null ? 0 : Long.parseLong(p.getProperty("booking.version", "0"));
            rowsByVersion.computeIfAbsent(Ledger.key(row.tenantId(), row.bookingId()), k -> new HashMap<>())
                    .merge(version, 1, Integer::sum);
        }
        bookings.forEach((key, b) -> {
            TreeMap<Long, EventRow> history = events.getOrDefault(key, new TreeMap<>());
            Map<Long, Integer> rows = rowsByVersion.getOrDefault(key, Map.of());
            for (EventRow event : history.values()) {
                EventRow next = history.get(event.seq() + 1);
                boolean endsChange = next == null || !"AUTO_CONFIRMED".equals(next.kind());
                int found = rows.getOrDefault(event.seq(), 0);
                int expected = endsChange ? perChange : 0;
                if (found != expected) {
                    violations.add("notified: booking " + key + " change at v" + event.seq() + " (" + event.kind()
                            + ") has " + found + " outbox rows, expected " + expected);
                }
            }
        });
    }

    private static void ledger(Map<String, BookingRow> bookings, List<OutboxRow> outbox, Ledger ledger,
                               boolean exact, List<String> violations) {
        Map<String, Ledger.Entry> told = ledger.entries();
        Map<String, Set<String>> outboxByBooking = new HashMap<>();
        for (OutboxRow row : outbox) {
            outboxByBooking.computeIfAbsent(Ledger.key(row.tenantId(), row.bookingId()), k -> new HashSet<>())
                    .add(row.notificationId());
        }
        bookings.forEach((key, b) -> {
            if (exact && !told.containsKey(key)) {
                violations.add("ledger: booking " + key + " v" + b.version() + " is stored, but no caller was told "
                        + "it was booked");
            }
        });
        told.forEach((key, entry) -> {
            BookingRow b = bookings.get(key);
            if (b == null) {
                violations.add("ledger: booking " + key + " was reported done but is not stored");
                return;
            }
            boolean versionOk = exact ? b.version() == entry.events() && b.version() == entry.highestVersion()
                    : b.version() >= entry.events() && b.version() >= entry.highestVersion();
            if (!versionOk) {
                violations.add("ledger: booking " + key + " is stored at v" + b.version() + "; callers were told of "
                        + entry.events() + " events up to v" + entry.highestVersion());
            }
            Set<String> stored = outboxByBooking.getOrDefault(key, Set.of());
            if (exact ? !stored.equals(entry.notificationIds()) : !stored.containsAll(entry.notificationIds())) {
                Set<String> missing = new HashSet<>(entry.notificationIds());
                missing.removeAll(stored);
                Set<String> extra = new HashSet<>(stored);
                extra.removeAll(entry.notificationIds());
                violations.add("ledger: booking " + key + " has " + stored.size() + " outbox rows, callers were told "
                        + "of " + entry.notificationIds().size() + " notifications (missing " + missing + ", extra "
                        + extra + ")");
            }
        });
    }

    // -------------------------------------------------------------------------------- reading

    private static Map<String, BookingRow> bookings(Connection c) throws SQLException {
        Map<String, BookingRow> result = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, id, version, status FROM br_booking");
             ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                BookingRow b = new BookingRow(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getString(4));
                result.put(Ledger.key(b.tenantId(), b.id()), b);
            }
        }
        return result;
    }

    private static Map<String, TreeMap<Long, EventRow>> events(Connection c) throws SQLException {
        Map<String, TreeMap<Long, EventRow>> result = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tenant_id, booking_id, seq, kind, to_status FROM br_booking_event");
             ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                result.computeIfAbsent(Ledger.key(rows.getString(1), rows.getString(2)), k -> new TreeMap<>())
                        .put(rows.getLong(3), new EventRow(rows.getLong(3), rows.getString(4), rows.getString(5)));
            }
        }
        return result;
    }

    private static List<OutboxRow> outbox(Connection c) throws SQLException {
        List<OutboxRow> result = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT tenant_id, notification_id, booking_id, kind, recipient, body FROM br_outbox");
             ResultSet rows = s.executeQuery()) {
            while (rows.next()) {
                result.add(new OutboxRow(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                        rows.getString(5), rows.getString(6)));
            }
        }
        return result;
    }

    /** The row's view of its document, or null if it is missing, not JSON or lists no element of the row. */
    private static Properties parse(OutboxRow row) {
        if (row.body() == null) {
            return null;
        }
        try {
            return OutboxJson.ofRow(row.body(), row.notificationId());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
