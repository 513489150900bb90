package org.bookingrules.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRules;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Runs in a JVM of its own for {@link ReadmeTest}: calls the README's JDBC example's {@code main},
 * then, on the same in-memory H2 database, makes a booking through a second facade and waits for
 * the example's relay schedule to hand its notifications to the example's notifier (which prints).
 * Exits 0 when that happened, 2 when the schema is missing or nothing was delivered in time, 1 on
 * an exception. The JVM is ended with {@link System#exit}, since the example's scheduler keeps it
 * alive on purpose.
 *
 * <p>Arguments: the example's class name, the H2 URL it uses.
 */
final class ReadmeTestJdbcProbe {

    static final String DELIVERED = "probe: the relay schedule delivered the booking's notifications";
    private static final Duration WAIT = Duration.ofSeconds(40);

    private ReadmeTestJdbcProbe() {
    }

    public static void main(String[] args) {
        try {
            System.exit(probe(args[0], args[1]));
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static int probe(String exampleClass, String url) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(new Tee(console, printed), true, UTF_8));

        Class.forName(exampleClass).getMethod("main", String[].class).invoke(null, (Object) new String[0]);

        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL(url);
        if (JdbcSchema.appliedVersion(dataSource) == 0) {
            System.err.println("probe: no schema in " + url + " after main");
            return 2;
        }
        int before = size(printed);
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(dataSource)).build();
        Instant start = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.HOURS);
        Outcome.Done booked = rules.book(Actor.staff("probe"), BookRequest.of("clinic-1",
                        new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000"),
                        new Service("consultation", "Consultation"),
                        new CustomerDetails("cust-ana", "Ana Pérez", "ana@example.org", null, Locale.ENGLISH),
                        start, start.plus(Duration.ofMinutes(45)), ZoneId.of("Europe/Madrid")))
                .orElseThrow();
        int expected = booked.notifications().size();
        System.err.println("probe: booked, " + expected + " notifications in the outbox");

        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            String output = text(printed).substring(before);
            if (expected > 0 && output.lines().count() >= expected) {
                System.err.println(DELIVERED);
                return 0;
            }
            Thread.sleep(100);
        }
        System.err.println("probe: the example's notifier printed nothing for the booking within " + WAIT);
        return 2;
    }

    private static int size(ByteArrayOutputStream bytes) {
        return text(bytes).length();
    }

    private static String text(ByteArrayOutputStream bytes) {
        synchronized (bytes) {
            return bytes.toString(UTF_8);
        }
    }

    /** Writes to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream console;
        private final ByteArrayOutputStream copy;

        Tee(OutputStream console, ByteArrayOutputStream copy) {
            this.console = console;
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (copy) {
                copy.write(b, off, len);
            }
            try {
                console.write(b, off, len);
            } catch (java.io.IOException e) {
                // the console is a file the parent reads; losing it only loses the echo
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            console.flush();
        }
    }
}
