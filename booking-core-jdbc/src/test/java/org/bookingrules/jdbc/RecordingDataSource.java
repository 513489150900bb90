package org.bookingrules.jdbc;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;

/**
 * A data source whose connections record the text of every statement prepared on them, in order, so a
 * test can tell which statements a repository ran. Thread-safe.
 */
final class RecordingDataSource extends ForwardingDataSource {

    private final List<String> prepared = new CopyOnWriteArrayList<>();

    /**
     * @param delegate the data source that gives the connections
     */
    RecordingDataSource(DataSource delegate) {
        super(delegate);
    }

    /** @return the statements prepared so far, in order; {@link List#clear()} forgets them */
    List<String> prepared() {
        return prepared;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Connection connection = delegate().getConnection();
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String s) {
                        prepared.add(s);
                    }
                    try {
                        return method.invoke(connection, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
