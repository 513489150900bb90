package org.bookingrules.jdbc;

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
