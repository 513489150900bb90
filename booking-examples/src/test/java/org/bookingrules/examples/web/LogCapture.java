package org.bookingrules.examples.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.LoggingEventBuilder;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Captures every log line of every logger at every level, TRACE included, while a capture is open.
 * The examples log through slf4j-simple; the module's Surefire configuration names
 * {@link Provider} as the SLF4J provider ({@code -Dslf4j.provider}), which hands each call on to
 * slf4j-simple unchanged (same levels from {@code simplelogger.properties}, same output) and, while
 * a capture is open, also reports every level enabled and records each line, fully formatted, with
 * the messages of its exception and causes. Thread-safe; one capture at a time.
 */
final class LogCapture implements AutoCloseable {

    private static volatile Queue<String> sink;
    private static volatile boolean installed;

    private final Queue<String> lines = new ConcurrentLinkedQueue<>();

    private LogCapture() {
    }

    /**
     * Starts capturing.
     *
     * @return the capture; close it to stop
     * @throws IllegalStateException if the provider is not SLF4J's (the test would pass vacuously),
     *     or a capture is open
     */
    static synchronized LogCapture start() {
        // Makes SLF4J pick its provider now, if nothing logged yet.
        org.slf4j.LoggerFactory.getILoggerFactory();
        if (!installed) {
            throw new IllegalStateException("SLF4J does not use " + Provider.class.getName()
                    + ": run through Maven (booking-examples sets -Dslf4j.provider), or set it yourself");
        }
        if (sink != null) {
            throw new IllegalStateException("a capture is already open");
        }
        LogCapture capture = new LogCapture();
        sink = capture.lines;
        return capture;
    }

    /** @return the lines captured so far, in order */
    List<String> lines() {
        return new ArrayList<>(lines);
    }

    /** Stops capturing. */
    @Override
    public synchronized void close() {
        if (sink == lines) {
            sink = null;
        }
    }

    /** The SLF4J provider: slf4j-simple, plus the capture. Public for SLF4J to instantiate it. */
    public static final class Provider implements SLF4JServiceProvider {
        private final SimpleServiceProvider simple = new SimpleServiceProvider();
        private ILoggerFactory factory;

        /** For SLF4J. */
        public Provider() {
        }

        @Override
        public ILoggerFactory getLoggerFactory() {
            return factory;
        }

        @Override
        public IMarkerFactory getMarkerFactory() {
            return simple.getMarkerFactory();
        }

        @Override
        public MDCAdapter getMDCAdapter() {
            return simple.getMDCAdapter();
        }

        @Override
        public String getRequestedApiVersion() {
            return simple.getRequestedApiVersion();
        }

        @Override
        public void initialize() {
            simple.initialize();
            ILoggerFactory delegates = simple.getLoggerFactory();
            factory = name -> new Tee(name, delegates.getLogger(name));
            installed = true;
        }
    }

    /** One logger: the slf4j-simple one, and the capture. */
    private static final class Tee extends AbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient Logger delegate;

        Tee(String name, Logger delegate) {
            this.name = name;
            this.delegate = delegate;
        }

        @Override
        public boolean isTraceEnabled() {
            return sink != null || delegate.isTraceEnabled();
        }

        @Override
        public boolean isTraceEnabled(Marker marker) {
            return sink != null || delegate.isTraceEnabled(marker);
        }

        @Override
        public boolean isDebugEnabled() {
            return sink != null || delegate.isDebugEnabled();
        }

        @Override
        public boolean isDebugEnabled(Marker marker) {
            return sink != null || delegate.isDebugEnabled(marker);
        }

        @Override
        public boolean isInfoEnabled() {
            return sink != null || delegate.isInfoEnabled();
        }

        @Override
        public boolean isInfoEnabled(Marker marker) {
            return sink != null || delegate.isInfoEnabled(marker);
        }

        @Override
        public boolean isWarnEnabled() {
            return sink != null || delegate.isWarnEnabled();
        }

        @Override
        public boolean isWarnEnabled(Marker marker) {
            return sink != null || delegate.isWarnEnabled(marker);
        }

        @Override
        public boolean isErrorEnabled() {
            return sink != null || delegate.isErrorEnabled();
        }

        @Override
        public boolean isErrorEnabled(Marker marker) {
            return sink != null || delegate.isErrorEnabled(marker);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String message, Object[] args,
                Throwable throwable) {
            Queue<String> lines = sink;
            if (lines != null) {
                StringBuilder line = new StringBuilder().append(level).append(' ').append(name).append(" - ")
                        .append(MessageFormatter.basicArrayFormat(message, args));
                for (Throwable t = throwable; t != null; t = t.getCause() == t ? null : t.getCause()) {
                    line.append(" | ").append(t);
                }
                lines.add(line.toString());
            }
            if (delegate.isEnabledForLevel(level)) {
                LoggingEventBuilder event = delegate.makeLoggingEventBuilder(level).setMessage(message);
                if (marker != null) {
                    event = event.addMarker(marker);
                }
                if (args != null) {
                    for (Object arg : args) {
                        event = event.addArgument(arg);
                    }
                }
                if (throwable != null) {
                    event = event.setCause(throwable);
                }
                event.log();
            }
        }
    }
}
