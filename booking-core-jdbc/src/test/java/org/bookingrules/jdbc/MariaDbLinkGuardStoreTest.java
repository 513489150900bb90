package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.GuardState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The link guard store contract on MariaDB, with a non-UTC session time zone
 * (STYLE 11). Runs when {@code BOOKING_TEST_MARIADB_URL} is set (see {@link TestDatabases}),
 * skipped with a message otherwise, and fails when it is set and the server cannot be reached, or
 * unset in CI.
 */
@DisplayName("JdbcLinkGuardStore on MariaDB keeps the link guard store contract")
class MariaDbLinkGuardStoreTest extends JdbcLinkGuardStoreContract {

    MariaDbLinkGuardStoreTest() {
        super(Store.MARIADB);
    }

    @Test
    @DisplayName("STYLE 11 the session time zone is not UTC, and the guard's instants are still stored as UTC wall "
            + "time")
    void sessionZoneIsNotUtcAndStorageIsUtc() {
        assertThat(database().text("SELECT @@session.time_zone")).isIn(TestDatabases.SESSION_ZONE,
                TestDatabases.MARIADB_FALLBACK_OFFSET);
        Instant lockEnd = Instant.parse("2026-03-10T10:00:00.000001Z");
        store().update(TENANT_A, BOOKING_1, state -> new GuardState(0, List.of(lockEnd.minusSeconds(900)), List.of(), 1,
                lockEnd, false));

        assertThat(database().text("SELECT CAST(locked_until AS CHAR) FROM br_link_guard"))
                .isEqualTo("2026-03-10 10:00:00.000001");
    }
}
