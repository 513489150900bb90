package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The base of a test class whose every test runs once on each store, H2, PostgreSQL and MariaDB: a
 * JUnit parameterized class over {@link Store}, with the class's {@link TestDatabases} and the
 * database of the store it runs on. A store that is not configured skips its tests (fails them in
 * CI), as {@link TestDatabases#get(Store)} says. One instance per test, as JUnit makes them.
 */
@ParameterizedClass(name = "on {0}")
@EnumSource(Store.class)
public abstract class SharedStoreTest {

    /**
     * The databases of the running test class: this static field serves each subclass in turn,
     * since every class's namespaces are dropped after it.
     */
    @RegisterExtension
    protected static final TestDatabases DATABASES = new TestDatabases();

    /** The store the tests run on. */
    @Parameter
    protected Store store;

    /** @return the store's database of the running class, with the rows of earlier tests */
    protected Database db() {
        return DATABASES.get(store);
    }

    /** @return the store's database of the running class, every adapter table emptied */
    protected Database emptyDb() {
        return DATABASES.empty(store);
    }
}
