package org.bookingrules.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import org.bookingrules.BookingRules;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.testing.RecordingNotifier;

/**
 * The facade end to end on one test database: {@link BookingRules} over a
 * {@link JdbcBookingRepository} of the emptied tables, and the {@link OutboxRelay} that delivers the
 * repository's outbox to a {@link RecordingNotifier}. The facade gets no notifier of its own, so a
 * notification leaves through the relay only. Thread-safe as its parts are.
 *
 * @param repository the repository over the emptied tables
 * @param notifier what the relay delivered
 * @param relay the relay over the same tables, on the same clock
 * @param rules the facade over the repository, on the clock
 */
record TestFacade(JdbcBookingRepository repository, RecordingNotifier notifier, OutboxRelay relay,
                  BookingRules rules) {

    /**
     * Empties the database's tables and builds the facade and the relay over them.
     *
     * @param db the database, not null
     * @param clock the clock of the facade and the relay, not null
     * @return the facade, its repository, relay and notifier
     */
    static TestFacade over(Database db, Clock clock) {
        JdbcBookingRepository repository = db.emptyRepository();
        RecordingNotifier notifier = new RecordingNotifier();
        OutboxRelay relay = relay(db, notifier, clock);
        return new TestFacade(repository, notifier, relay,
                BookingRules.builder().repository(repository).clock(clock).build());
    }

    /**
     * A relay over the database's outbox, with the default settings.
     *
     * @param db the database, not null
     * @param notifier who delivers, not null
     * @param clock the relay's clock, not null
     * @return the relay
     */
    static OutboxRelay relay(Database db, BookingNotifier notifier, Clock clock) {
        return OutboxRelay.builder().dataSource(db.dataSource()).notifier(notifier).clock(clock).build();
    }

    /** What a test does in the caller's transaction, with the facade over a repository joining it. */
    @FunctionalInterface
    interface CallersWork {
        /**
         * @param callers the caller's connection, auto-commit off; the work commits or rolls back
         * @param rules the facade over a repository joining the caller's transaction
         * @throws SQLException if the caller's connection fails
         */
        void run(Connection callers, BookingRules rules) throws SQLException;
    }

    /**
     * Opens a connection of the database with auto-commit off, the way an application starts its
     * transaction, and runs the work with a facade over a repository that joins it (no notifier:
     * the outbox rows wait for a relay); closes the connection after.
     *
     * @param db the database, not null
     * @param clock the facade's clock, not null
     * @param work what the caller does in its transaction, not null
     * @throws SQLException if the caller's connection fails
     */
    static void inCallersTransaction(Database db, Clock clock, CallersWork work) throws SQLException {
        try (Connection callers = db.dataSource().getConnection()) {
            callers.setAutoCommit(false);
            work.run(callers, BookingRules.builder().repository(JdbcBookingRepository.joining(() -> callers))
                    .clock(clock).build());
        }
    }

    /** Runs relay passes until one delivers nothing; the number delivered. */
    int drain() {
        return drain(relay);
    }

    /**
     * Runs passes of a relay until one delivers nothing.
     *
     * @param relay the relay, not null
     * @return the number delivered
     */
    static int drain(OutboxRelay relay) {
        int total = 0;
        for (int delivered; (delivered = relay.deliverDue()) > 0; ) {
            total += delivered;
        }
        return total;
    }
}
