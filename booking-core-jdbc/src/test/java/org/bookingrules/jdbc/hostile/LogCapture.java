package org.bookingrules.jdbc.hostile;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures every log line written while the hostile-input suite runs: SLF4J (slf4j-simple
 * writes to {@code System.err}, looked up at each write, so replacing the stream catches it), anything
 * else on {@code System.out}/{@code System.err}, and {@code java.util.logging} (where Hibernate
 * Validator's JBoss Logging ends up without Logback), with its parameters formatted in.
 *
 * <p>The library's own loggers write at debug level while capturing, so that its debug lines
 * (refusals with booking ids) are produced and checked too: {@link #requestDebugLevel()} asks
 * slf4j-simple for it before the first logger of the JVM exists, and {@link #install()} also lowers
 * the level of the library's loggers that another test class may have created first at INFO (they
 * are put back by {@link #uninstall()}).
 *
 * <p>Captured lines are kept in memory and not echoed, so the suite's hostile values do not flood
 * the console. Thread-safe.
 */
final class LogCapture {

    /** JUL loggers whose level is lowered while capturing; kept here so they are not collected. */
    private static final List<Logger> LOWERED = new ArrayList<>();
    private static final List<String> LINES = new ArrayList<>();

    private static PrintStream originalErr;
    private static PrintStream originalOut;
    private static Handler julHandler;
    private static final List<Level> PREVIOUS_LEVELS = new ArrayList<>();

    private LogCapture() {
    }

    /** Asks slf4j-simple for debug output, if no SLF4J logger exists yet. */
    static void requestDebugLevel() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "debug");
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "false");
    }

    /** @return whether the library's debug lines are being written */
    static boolean debugActive() {
        return org.slf4j.LoggerFactory.getLogger("org.bookingrules.BookingRules").isDebugEnabled();
    }

    /** The classes of the library that log (each has one SLF4J logger named after it). */
    static final List<String> LIBRARY_LOGGERS = List.of("org.bookingrules.BookingRules",
            "org.bookingrules.links.SelfService", "org.bookingrules.jdbc.OutboxRelay",
            "org.bookingrules.jdbc.JdbcBookingRepository", "org.bookingrules.jdbc.JdbcSchema",
            "org.bookingrules.jdbc.JdbcLinkGuardStore");
    private static final java.util.Map<org.slf4j.Logger, Integer> SLF4J_LEVELS = new java.util.HashMap<>();

    /**
     * Sets the level of slf4j-simple loggers that already exist (slf4j-simple reads its level once,
     * when a logger is created); a logger of another binding is left alone.
     */
    private static void lowerLibraryLoggers() {
        for (String name : LIBRARY_LOGGERS) {
            org.slf4j.Logger logger = org.slf4j.LoggerFactory.getLogger(name);
            if (logger.isDebugEnabled()) {
                continue;
            }
            try {
                java.lang.reflect.Field level = findField(logger.getClass(), "currentLogLevel");
                java.lang.reflect.Field debug = findField(logger.getClass(), "LOG_LEVEL_DEBUG");
                level.setAccessible(true);
                debug.setAccessible(true);
                SLF4J_LEVELS.put(logger, level.getInt(logger));
                level.setInt(logger, debug.getInt(null));
            } catch (ReflectiveOperationException | RuntimeException e) {
                // Not slf4j-simple: its debug lines stay off, and debugActive() says so.
            }
        }
    }

    private static void restoreLibraryLoggers() {
        SLF4J_LEVELS.forEach((logger, previous) -> {
            try {
                java.lang.reflect.Field level = findField(logger.getClass(), "currentLogLevel");
                level.setAccessible(true);
                level.setInt(logger, previous);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // left as it is
            }
        });
        SLF4J_LEVELS.clear();
    }

    private static java.lang.reflect.Field findField(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                return c.getDeclaredField(name);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(name);
    }

    /** Starts capturing. */
    static synchronized void install() {
        if (originalErr != null) {
            return;
        }
        originalErr = System.err;
        originalOut = System.out;
        lowerLibraryLoggers();
        System.setErr(new PrintStream(new LineSink("err"), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(new LineSink("out"), true, StandardCharsets.UTF_8));
        julHandler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                add("jul " + record.getLevel() + " " + record.getLoggerName() + " - " + format(record));
            }

            @Override
            public void flush() {
                // kept in memory
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
        julHandler.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(julHandler);
        for (String name : List.of("org.hibernate", "org.jboss", "org.bookingrules")) {
            Logger logger = Logger.getLogger(name);
            LOWERED.add(logger);
            PREVIOUS_LEVELS.add(logger.getLevel());
            logger.setLevel(Level.ALL);
        }
    }

    /** Stops capturing and restores the streams and levels. */
    static synchronized void uninstall() {
        if (originalErr == null) {
            return;
        }
        System.err.flush();
        System.out.flush();
        System.setErr(originalErr);
        System.setOut(originalOut);
        originalErr = null;
        originalOut = null;
        Logger.getLogger("").removeHandler(julHandler);
        for (int i = 0; i < LOWERED.size(); i++) {
            LOWERED.get(i).setLevel(PREVIOUS_LEVELS.get(i));
        }
        LOWERED.clear();
        PREVIOUS_LEVELS.clear();
        restoreLibraryLoggers();
    }

    /** @return the stream the suite prints its own summary to (the real standard output) */
    static synchronized PrintStream console() {
        return originalOut != null ? originalOut : System.out;
    }

    /** @return a mark for {@link #since(int)} */
    static synchronized int mark() {
        System.err.flush();
        System.out.flush();
        return LINES.size();
    }

    /**
     * @param mark from {@link #mark()}
     * @return the lines captured since the mark
     */
    static synchronized List<String> since(int mark) {
        System.err.flush();
        System.out.flush();
        return List.copyOf(LINES.subList(mark, LINES.size()));
    }

    /** @return every line captured so far */
    static synchronized List<String> all() {
        return since(0);
    }

    /**
     * The lines that carry one of the personal values (case-insensitive).
     *
     * @param lines the lines
     * @param personal the values that must never be logged
     * @return the offending lines, each with the value it carries
     */
    static List<String> personalDataIn(List<String> lines, Collection<String> personal) {
        List<String> found = new ArrayList<>();
        for (String line : lines) {
            String lower = line.toLowerCase(Locale.ROOT);
            for (String value : personal) {
                if (lower.contains(value.toLowerCase(Locale.ROOT))) {
                    found.add("[" + abbreviate(value) + "] in: " + abbreviate(line));
                }
            }
        }
        return found;
    }

    static String abbreviate(String text) {
        return abbreviate(text, 160);
    }

    /** The text with control characters made visible, cut after {@code max} characters. */
    static String abbreviate(String text, int max) {
        String visible = text.replace("\u0000", "\\0").replace("\u001b", "\\e").replace("\r", "\\r")
                .replace("\n", "\\n");
        return visible.length() <= max ? visible : visible.substring(0, max) + "... (" + text.length() + " chars)";
    }

    private static synchronized void add(String line) {
        LINES.add(line);
    }

    private static String format(LogRecord record) {
        String message = record.getMessage();
        Object[] params = record.getParameters();
        if (message != null && params != null && params.length > 0) {
            try {
                message = MessageFormat.format(message, params);
            } catch (IllegalArgumentException e) {
                message = message + " " + java.util.Arrays.toString(params);
            }
        }
        if (record.getThrown() != null) {
            message = message + " | " + record.getThrown();
        }
        return message;
    }

    /** Collects bytes into lines; a line is complete at '\n'. */
    private static final class LineSink extends OutputStream {
        private final String source;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineSink(String source) {
            this.source = source;
        }

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                emit();
            } else {
                pending.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(bytes[i]);
            }
        }

        @Override
        public synchronized void flush() {
            if (pending.size() > 0) {
                emit();
            }
        }

        private void emit() {
            String line = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            add(source + " " + line);
        }
    }
}
