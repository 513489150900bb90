package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.GuardState;
import org.bookingrules.links.LinkGuardStore;
import org.bookingrules.links.LinkGuardStoreContract;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The link guard store contract on one database, plus what only a shared database gives: two
 * {@link JdbcLinkGuardStore}s over two separate pools (two nodes, or a node before and after a
 * restart) count each other's failures and see each other's locks (R8).
 * Subclassed once per store; each test starts with emptied tables.
 */
abstract class JdbcLinkGuardStoreContract extends LinkGuardStoreContract {

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private final Store storeUnderTest;
    private Database database;

    /** @param storeUnderTest the store this subclass runs on, not null */
    JdbcLinkGuardStoreContract(Store storeUnderTest) {
        this.storeUnderTest = Objects.requireNonNull(storeUnderTest, "storeUnderTest");
    }

    @Override
    protected final LinkGuardStore newStore() {
        // Asked before every test, not once in @BeforeAll: an unset variable then shows in the Surefire
        // report as each test skipped with the message, not as a class with zero tests.
        database = DATABASES.get(storeUnderTest);
        database.clean();
        return JdbcLinkGuardStore.create(database.dataSource());
    }

    /** @return the database of the running test */
    final Database database() {
        return database;
    }

    @Test
    @DisplayName("the dialect is detected from the database's metadata")
    void dialectIsDetected() {
        assertThat(((JdbcLinkGuardStore) store()).dialect()).isEqualTo(storeUnderTest.dialect());
    }

    @Test
    @DisplayName("R8 across nodes: two stores over two pools of one database count each other's failures and see "
            + "each other's lock and revocation")
    void twoNodesShareFailuresAndLocks() {
        LinkGuardStore nodeA = store();
        try (HikariDataSource secondPool = database.newPool("node-b")) {
            LinkGuardStore nodeB = JdbcLinkGuardStore.create(secondPool);

            for (int n = 1; n < POLICY.maxFailures(); n++) {
                LinkGuardStore node = n % 2 == 1 ? nodeA : nodeB;
                assertThat(node.recordFailure(TENANT_A, BOOKING_1, at(n - 1), POLICY).failureTimes().size())
                        .as("failure %d, on node %s", n, n % 2 == 1 ? "A" : "B").isEqualTo(n);
            }
            assertThat(nodeB.state(TENANT_A, BOOKING_1)).isEqualTo(nodeA.state(TENANT_A, BOOKING_1))
                    .isEqualTo(failed(0, at(0), at(1), at(2), at(3)));

            GuardState locked = nodeB.recordFailure(TENANT_A, BOOKING_1, at(4), POLICY);
            assertThat(locked).isEqualTo(new GuardState(0, List.of(at(0), at(1), at(2), at(3), at(4)), List.of(), 1,
                    at(4).plus(POLICY.lockFor()), false));
            assertThat(nodeA.state(TENANT_A, BOOKING_1)).isEqualTo(locked);
            assertThat(nodeA.state(TENANT_A, BOOKING_1).isLockedAt(at(60))).isTrue();
            // Node A's failure during B's lock neither counts nor extends the lock.
            assertThat(nodeA.recordFailure(TENANT_A, BOOKING_1, at(60), POLICY)).isEqualTo(locked);

            nodeA.update(TENANT_A, BOOKING_1, GuardState::revoked);
            assertThat(nodeB.state(TENANT_A, BOOKING_1).generation()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("R8 across a restart: a store over a new pool reads the lock the old one stored, and counts afresh "
            + "after it lapsed, which the old store sees")
    void aRestartKeepsTheLock() {
        GuardState locked = null;
        try (HikariDataSource beforeRestart = database.newPool("before-restart")) {
            LinkGuardStore old = JdbcLinkGuardStore.create(beforeRestart);
            for (int n = 0; n < POLICY.maxFailures(); n++) {
                locked = old.recordFailure(TENANT_A, BOOKING_1, at(n), POLICY);
            }
        }
        try (HikariDataSource afterRestart = database.newPool("after-restart")) {
            LinkGuardStore restarted = JdbcLinkGuardStore.create(afterRestart);

            assertThat(restarted.state(TENANT_A, BOOKING_1)).isEqualTo(locked);
            assertThat(restarted.state(TENANT_A, BOOKING_1).isLockedAt(at(60))).isTrue();

            GuardState fresh = restarted.recordFailure(TENANT_A, BOOKING_1, locked.lockedUntil(), POLICY);
            assertThat(fresh.failuresInWindow(locked.lockedUntil(), POLICY)).as("the count starts again").isEqualTo(1);
            assertThat(fresh.lockedUntil()).isEqualTo(locked.lockedUntil());
            assertThat(fresh.isLockedAt(locked.lockedUntil())).isFalse();
            assertThat(store().state(TENANT_A, BOOKING_1)).isEqualTo(fresh);
        }
    }

    @Test
    @DisplayName("R8 across nodes: 8 threads on two stores over two pools x 50 updates of one booking: all 400 "
            + "counted")
    void concurrentUpdatesOnTwoNodesAreNotLost() throws Exception {
        LinkGuardStore nodeA = store();
        try (HikariDataSource secondPool = database.newPool("node-b")) {
            LinkGuardStore nodeB = JdbcLinkGuardStore.create(secondPool);

            race(THREADS, CALLS_PER_THREAD, thread -> (thread % 2 == 0 ? nodeA : nodeB)
                    .update(TENANT_A, BOOKING_1, GuardState::revoked));
        }
        assertThat(store().state(TENANT_A, BOOKING_1).generation()).isEqualTo(THREADS * CALLS_PER_THREAD);
    }

    @Test
    @DisplayName("R8 a row written before the lockout columns existed reads as that many wrong answers at its window start, and the count goes on")
    void aRowOfTheEarlierSchemaKeepsItsCount() throws SQLException {
        try (Connection c = database().dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement("INSERT INTO br_link_guard "
                     + "(tenant_id, booking_id, generation, failures, window_start, locked_until) VALUES (?, ?, 2, 4, ?, NULL)")) {
            insert.setString(1, TENANT_A);
            insert.setString(2, BOOKING_1);
            insert.setObject(3, at(0).atOffset(ZoneOffset.UTC));
            if (storeUnderTest == Store.MARIADB) {
                insert.setObject(3, at(0).atOffset(ZoneOffset.UTC).toLocalDateTime());
            }
            insert.executeUpdate();
        }

        assertThat(store().state(TENANT_A, BOOKING_1)).isEqualTo(failed(2, at(0), at(0), at(0), at(0)));
        GuardState fifth = store().recordFailure(TENANT_A, BOOKING_1, at(60), POLICY);
        assertThat(fifth.isLockedAt(at(60))).as("the fifth wrong answer in the window locks, as before the upgrade")
                .isTrue();
        assertThat(database().count("SELECT COUNT(*) FROM br_link_guard WHERE failures = 5")).isEqualTo(1);
    }

    @Test
    @DisplayName("a storage fault is a BookingStorageException naming the operation and SQLState, not the values")
    void storageFaultsNameNoValues() {
        String tooLong = "booking-" + "x".repeat(100);

        assertThatThrownBy(() -> store().recordFailure(TENANT_A, tooLong, at(0), POLICY))
                .isInstanceOf(BookingStorageException.class)
                .hasMessageMatching("link guard update failed: SQLState \\w+, error -?\\d+")
                .hasMessageNotContaining(tooLong);
    }
}
