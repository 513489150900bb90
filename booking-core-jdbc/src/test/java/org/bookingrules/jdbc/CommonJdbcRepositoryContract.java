package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.spi.BookingRepository;
import org.bookingrules.spi.BookingRepositoryContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The repository contract on one store: a {@link JdbcBookingRepository} over the store's emptied
 * tables for every test, and the dialect it must detect there. Subclassed once per store, each
 * adding what only its store has.
 */
abstract class CommonJdbcRepositoryContract extends BookingRepositoryContract {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private final Store storeUnderTest;

    /** @param storeUnderTest the store this subclass runs on */
    CommonJdbcRepositoryContract(Store storeUnderTest) {
        this.storeUnderTest = storeUnderTest;
    }

    @Override
    protected final BookingRepository newRepository() {
        // Asked before every test, not once in @BeforeAll: an unset variable then shows in the Surefire
        // report as each test skipped with the message, not as a class with zero tests.
        return JdbcBookingRepository.create(DATABASES.empty(storeUnderTest).dataSource());
    }

    /** @return the store's database of this class, emptied before each test */
    final Database database() {
        return DATABASES.get(storeUnderTest);
    }

    @Test
    @DisplayName("the dialect is detected as the store's from the database's metadata")
    void dialectIsDetected() {
        assertThat(((JdbcBookingRepository) repository()).dialect()).isEqualTo(storeUnderTest.dialect());
    }
}
