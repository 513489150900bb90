package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

/** The link guard store contract on H2, the embedded default. Always runs. */
@DisplayName("JdbcLinkGuardStore on H2 keeps the link guard store contract")
class H2LinkGuardStoreTest extends JdbcLinkGuardStoreContract {

    H2LinkGuardStoreTest() {
        super(Store.H2);
    }
}
