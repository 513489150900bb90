package org.bookingrules.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A statement of an {@link AppointmentTable} with named parameters ({@code :key}), turned once into
 * JDBC's {@code ?} markers and the list of names in their order. A name may occur several times. A
 * colon inside a quoted string or identifier, or doubled ({@code ::text}, PostgreSQL's cast), is
 * left as it is. Immutable.
 *
 * @param name what the statement is for, in messages
 * @param jdbc the statement with {@code ?} markers
 * @param parameters the parameter names, one per marker, in order
 */
record NamedSql(String name, String jdbc, List<String> parameters) {

    NamedSql {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jdbc, "jdbc");
        parameters = List.copyOf(parameters);
    }

    /**
     * Parses a statement.
     *
     * @param name what the statement is for
     * @param sql the statement, not blank
     * @param allowed the parameter names it may use
     * @param required the names it must use
     * @return the statement
     * @throws IllegalArgumentException naming the statement and the parameter, if it uses one not
     *     allowed or misses one required
     */
    static NamedSql parse(String name, String sql, Set<String> allowed, Set<String> required) {
        Objects.requireNonNull(sql, name);
        if (sql.isBlank()) {
            throw new IllegalArgumentException(name + ": the statement is blank");
        }
        StringBuilder jdbc = new StringBuilder(sql.length());
        List<String> names = new ArrayList<>();
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote != 0) {
                jdbc.append(c);
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"' || c == '`') {
                quote = c;
                jdbc.append(c);
            } else if (c == ':' && i + 1 < sql.length() && sql.charAt(i + 1) == ':') {
                jdbc.append("::");
                i++;
            } else if (c == ':' && i + 1 < sql.length() && isNameStart(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < sql.length() && isNamePart(sql.charAt(end))) {
                    end++;
                }
                String parameter = sql.substring(i + 1, end);
                if (!allowed.contains(parameter)) {
                    throw new IllegalArgumentException(name + ": unknown parameter :" + parameter + " (this statement "
                            + "may use " + String.join(", ", allowed.stream().map(p -> ":" + p).sorted().toList()) + ")");
                }
                names.add(parameter);
                jdbc.append('?');
                i = end - 1;
            } else {
                jdbc.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException(name + ": a quote (" + quote + ") is not closed");
        }
        Set<String> missing = new LinkedHashSet<>(required);
        missing.removeAll(names);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(name + ": must use the parameter(s) "
                    + String.join(", ", missing.stream().map(p -> ":" + p).toList()));
        }
        return new NamedSql(name, jdbc.toString(), names);
    }

    /** Whether the statement uses a parameter. */
    boolean uses(String parameter) {
        return parameters.contains(parameter);
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }
}
