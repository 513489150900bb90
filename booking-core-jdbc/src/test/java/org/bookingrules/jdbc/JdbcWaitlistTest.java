package org.bookingrules.jdbc;

import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.spi.BookingNotifier;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.waitlist.WaitlistContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cancellation-list contract on one store: a {@link JdbcBookingRepository} over emptied tables,
 * its notices and notifications delivered by an {@link OutboxRelay} on the same pool with the test's
 * clock. Subclassed once per store.
 *
 * <p>A test of the contract may open a second clinic after the first (a control with the list off)
 * and go on asserting on the first: each clinic after the first in a test gets a namespace of its
 * own, so the second never empties or blocks the first's rows.
 */
abstract class JdbcWaitlistTest extends WaitlistContract {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private final Store storeUnderTest;
    /** The pool of each repository the current test made, for its relay. */
    private final Map<BookingRepository, DataSource> pools = new IdentityHashMap<>();
    private final Map<BookingRepository, OutboxRelay> relays = new IdentityHashMap<>();

    /** @param storeUnderTest the store this subclass runs on */
    JdbcWaitlistTest(Store storeUnderTest) {
        this.storeUnderTest = storeUnderTest;
    }

    @BeforeEach
    void startEmpty() {
        pools.clear();
        relays.clear();
    }

    @Override
    protected final BookingRepository newRepository() {
        DataSource pool;
        if (pools.isEmpty()) {
            pool = DATABASES.empty(storeUnderTest).dataSource();
        } else {
            Database own = DATABASES.fresh(storeUnderTest);
            JdbcSchema.create(own.dataSource());
            pool = own.dataSource();
        }
        JdbcBookingRepository repository = JdbcBookingRepository.create(pool);
        pools.put(repository, pool);
        return repository;
    }

    @Override
    protected final void deliverQueued(BookingRepository repository, BookingNotifier notifier, Clock clock) {
        OutboxRelay relay = relays.computeIfAbsent(repository, r -> OutboxRelay.builder()
                .dataSource(pools.get(r)).notifier(notifier).clock(clock).build());
        while (relay.deliverDue() > 0) {
            // Drains what is due: each pass delivers up to a batch.
        }
    }
}
