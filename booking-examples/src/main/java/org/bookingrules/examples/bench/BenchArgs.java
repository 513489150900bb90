package org.bookingrules.examples.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --name=value} arguments of a benchmark's main, with defaults. Unknown names fail, so a typo
 * never silently runs the defaults. Not thread-safe.
 */
final class BenchArgs {

    private final Map<String, String> values = new HashMap<>();

    private BenchArgs() {
    }

    /**
     * Parses arguments; a single argument may also hold several separated by spaces (as
     * {@code -Dexec.args} passes them).
     *
     * @param args the arguments
     * @param known the names allowed
     * @return the parsed arguments
     * @throws IllegalArgumentException for a malformed or unknown argument
     */
    static BenchArgs parse(String[] args, Set<String> known) {
        BenchArgs parsed = new BenchArgs();
        for (String arg : args) {
            for (String part : arg.trim().split("\\s+")) {
                if (part.isEmpty()) {
                    continue;
                }
                if (!part.startsWith("--") || !part.contains("=")) {
                    throw new IllegalArgumentException("expected --name=value, got " + part + "; known: " + known);
                }
                String name = part.substring(2, part.indexOf('='));
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown argument --" + name + "; known: " + known);
                }
                parsed.values.put(name, part.substring(part.indexOf('=') + 1));
            }
        }
        return parsed;
    }

    String text(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        String v = values.get(name);
        return v == null ? fallback : Integer.parseInt(v.replace("_", ""));
    }

    List<String> list(String name, String fallback) {
        List<String> items = new ArrayList<>();
        for (String item : text(name, fallback).split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }
}
