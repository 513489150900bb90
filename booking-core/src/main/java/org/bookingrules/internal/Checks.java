package org.bookingrules.internal;

/**
 * Not API. The null checks of records with several required fields, in one line that names them.
 * Stateless and thread-safe.
 */
public final class Checks {

    private Checks() {
    }

    /**
     * Checks that none of the values is null.
     *
     * @param names the fields' names, in the order of the values, separated by {@code ", "}
     * @param values the values
     * @throws NullPointerException naming the first field whose value is null, as
     *     {@link java.util.Objects#requireNonNull(Object, String)} would
     * @throws IllegalArgumentException if there are not as many names as values
     */
    public static void nonNull(String names, Object... values) {
        // On every record construction: the names are counted, not split, unless one is missing.
        int commas = 0;
        for (int i = names.indexOf(", "); i >= 0; i = names.indexOf(", ", i + 2)) {
            commas++;
        }
        if (commas + 1 != values.length) {
            throw new IllegalArgumentException((commas + 1) + " names for " + values.length + " values: " + names);
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                throw new NullPointerException(names.split(", ", -1)[i]);
            }
        }
    }
}
