package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.Notification;

/**
 * Test support of the outbox relay tests: reading the outbox table back, and thread-safe notifiers.
 * The databases come from {@link TestDatabases}.
 */
final class OutboxTestSupport {

    private OutboxTestSupport() {
    }

    /** One outbox row as stored. */
    record OutboxRow(String tenantId, String notificationId, String bookingId, String kind, String recipient,
                     String status, int attempts, Instant nextAttemptAt, String lastError, Instant deliveredAt) {
    }

    /** Every outbox row, ordered by booking and notification id. */
    static List<OutboxRow> outbox(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            Sql sql = JdbcDialect.detect(c).sql();
            try (PreparedStatement s = c.prepareStatement("SELECT tenant_id, notification_id, booking_id, kind, "
                    + "recipient, status, attempts, next_attempt_at, last_error, delivered_at FROM br_outbox "
                    + "ORDER BY booking_id, notification_id");
                 ResultSet rows = s.executeQuery()) {
                List<OutboxRow> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(new OutboxRow(rows.getString("tenant_id"), rows.getString("notification_id"),
                            rows.getString("booking_id"), rows.getString("kind"), rows.getString("recipient"),
                            rows.getString("status"), rows.getInt("attempts"), sql.readInstant(rows, "next_attempt_at"),
                            rows.getString("last_error"), sql.readInstant(rows, "delivered_at")));
                }
                return result;
            }
        }
    }

    /** The number of outbox rows with a status. */
    static int countWithStatus(DataSource ds, String status) throws SQLException {
        try (Connection c = ds.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT COUNT(*) FROM br_outbox WHERE status = ?")) {
            s.setString(1, status);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    // ------------------------------------------------------------------------------- notifiers

    /** Records every delivery, counting per notification id. Thread-safe. */
    static class RecordingNotifier implements BookingNotifier {
        private final Map<String, AtomicInteger> deliveriesById = new ConcurrentHashMap<>();
        private final List<Notification> delivered = Collections.synchronizedList(new ArrayList<>());
        private final AtomicInteger calls = new AtomicInteger();

        @Override
        public void deliver(Notification notification) {
            calls.incrementAndGet();
            accept(notification);
            deliveriesById.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet();
            delivered.add(notification);
        }

        /** Decides whether this call succeeds; throws to fail it. */
        void accept(Notification notification) {
        }

        /** Every call, successful or not. */
        int calls() {
            return calls.get();
        }

        /** Successful deliveries, in order. */
        List<Notification> delivered() {
            synchronized (delivered) {
                return List.copyOf(delivered);
            }
        }

        /** Successful deliveries per notification id. */
        Map<String, Integer> deliveriesById() {
            Map<String, Integer> copy = new java.util.HashMap<>();
            deliveriesById.forEach((id, n) -> copy.put(id, n.get()));
            return copy;
        }

        /** Notification ids delivered more than once. */
        List<String> duplicates() {
            List<String> ids = new ArrayList<>();
            deliveriesById.forEach((id, n) -> {
                if (n.get() > 1) {
                    ids.add(id);
                }
            });
            return ids;
        }
    }

    /**
     * Fails the first {@code failures} attempts of each notification id, with an exception whose
     * message carries the customer's e-mail (which must never reach the outbox or the log), then
     * succeeds.
     */
    static final class FlakyNotifier extends RecordingNotifier {
        private final int failures;
        private final Map<String, AtomicInteger> attemptsById = new ConcurrentHashMap<>();

        FlakyNotifier(int failures) {
            this.failures = failures;
        }

        @Override
        void accept(Notification notification) {
            int attempt = attemptsById.computeIfAbsent(notification.id(), id -> new AtomicInteger()).incrementAndGet();
            if (attempt <= failures) {
                throw new MailboxUnavailableException("mailbox of "
                        + notification.booking().customer().map(c -> c.email()).orElse("?") + " is full");
            }
        }
    }

    /** What {@link FlakyNotifier} throws. */
    static final class MailboxUnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MailboxUnavailableException(String message) {
            super(message);
        }
    }
}
