package org.bookingrules.examples.ehr;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** A fresh in-memory H2 database per test, with the EHR's schema; {@link #close()} drops it. */
final class EhrTestDatabase implements AutoCloseable {

    private final JdbcDataSource dataSource = new JdbcDataSource();

    EhrTestDatabase() {
        dataSource.setURL("jdbc:h2:mem:ehr-test-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        EhrExample.runScript(dataSource, EhrExample.EHR_SCHEMA_SCRIPT);
    }

    DataSource dataSource() {
        return dataSource;
    }

    @Override
    public void close() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the test database: SQLState " + e.getSQLState(), e);
        }
    }
}
