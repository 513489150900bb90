package org.bookingrules.jdbc.reliability;

import static org.bookingrules.jdbc.reliability.Clinic.NOW;
import static org.bookingrules.jdbc.reliability.Clinic.ZONE;

import org.bookingrules.BookingRules;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.threeten.extra.MutableClock;

/**
 * The facade over a repository of the emptied tables whose every connection passes a
 * {@link FaultInjector}: what the fault injection tests break, step by step.
 *
 * @param faults the injector between the repository and the database's pool
 * @param repository the repository over the injector
 * @param rules the facade over the repository, on a clock at {@link Clinic#NOW}
 */
record Faulted(FaultInjector faults, JdbcBookingRepository repository, BookingRules rules) {

    /**
     * Empties the database's tables and wires the injector, the repository and the facade over them.
     *
     * @param db the database, not null
     * @return the wiring
     */
    static Faulted over(Database db) {
        FaultInjector faults = new FaultInjector(db.dataSource());
        JdbcBookingRepository repository = db.emptyRepository(faults);
        return new Faulted(faults, repository,
                BookingRules.builder().repository(repository).clock(MutableClock.of(NOW, ZONE)).build());
    }
}
