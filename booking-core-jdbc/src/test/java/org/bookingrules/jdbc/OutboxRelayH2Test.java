package org.bookingrules.jdbc;

import org.bookingrules.jdbc.TestDatabases.Store;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Outbox relay on H2 (always run)")
class OutboxRelayH2Test extends OutboxRelayContract {

    @Override
    Store store() {
        return Store.H2;
    }
}
