package org.bookingrules.jdbc.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.bookingrules.BookingRef;
import org.bookingrules.ChangeRequest;
import org.bookingrules.jdbc.TestDatabases;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.links.LinkResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input at every public entry of the core facade, self-service, the
 * links and the JDBC adapters, on H2 always and on PostgreSQL and MariaDB when their variables are
 * set. Each case is listed in the report by name and store; each must end in a clear error (the
 * exception names the field, carries no personal data), a refusal or a denial with nothing changed,
 * or, for free text, the value stored verbatim and never executed. Every log line the suite produces
 * (SLF4J and java.util.logging, at debug level when this class creates the first logger) is captured
 * and checked, case by case, for the test customers' names, e-mails, phones, dates of birth and the
 * identity answers typed, and for raw control characters (forged log lines). A summary line counts
 * the cases tried and passed.
 */
@DisplayName("Hostile input: every public entry answers hostile input with a clear error, a refusal "
        + "or a verbatim store, and logs no personal data")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputTest {

    static {
        // Before the first SLF4J logger of the JVM exists, if this class runs first: the library's
        // debug lines (refusals, with booking ids) are then captured and checked too.
        LogCapture.requestDebugLevel();
    }

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private static final List<String> FAILED = new ArrayList<>();
    private static final List<String> REPORT = new ArrayList<>();
    private static final Map<Store, HostileWorld> SHARED = new EnumMap<>(Store.class);
    private static int tried;
    private static int passed;

    @BeforeAll
    static void captureEveryLogLine() {
        LogCapture.install();
    }

    @AfterAll
    static void printTheSummary() {
        boolean debug = LogCapture.debugActive();
        LogCapture.uninstall();
        SHARED.clear();
        System.out.println("hostile input: " + tried + " cases tried, " + passed + " passed ("
                + LogCapture.all().size() + " log lines captured and checked for personal data; library debug "
                + "lines " + (debug ? "included" : "not produced: the SLF4J binding is not slf4j-simple") + ")");
        FAILED.forEach(name -> System.out.println("hostile input FAILED: " + name));
        Path list = listFile();
        try {
            Files.write(list, REPORT, StandardCharsets.UTF_8);
            System.out.println("hostile input: every case tried, with its result, is listed in " + list);
        } catch (IOException e) {
            System.out.println("hostile input: could not write the case list to " + list + ": " + e);
        }
    }

    /** The build folder's hostile-input-cases.txt (the folder above test-classes). */
    private static Path listFile() {
        try {
            Path classes = Path.of(HostileInputTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().resolve("hostile-input-cases.txt");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of(System.getProperty("java.io.tmpdir"), "hostile-input-cases.txt");
        }
    }

    // ------------------------------------------------------------------------------------ cases

    /**
     * Every case on every store, a group at a time: at the facade (nulls, blanks, 100 kB values,
     * hostile ids, absurd slots, zones), in free text (control characters and SQL metacharacters),
     * at the self-service links (forged and truncated tokens, hostile answers), across tenants and
     * at the adapters. Each case is named by its group and itself.
     */
    static Stream<Arguments> everyCase() {
        return Stream.of(
                group("at the facade", FacadeCases.all()),
                group("in free text", FreeTextCases.all()),
                group("at the links", LinkCases.all()),
                group("across tenants and at the adapters", TenantAndStoreCases.all()))
                .flatMap(cases -> Stream.of(Store.values()).flatMap(store -> cases.stream()
                        .map(c -> arguments(named(store.toString(), store), c))));
    }

    private static List<Named<HostileCase>> group(String group, Stream<HostileCase> cases) {
        return cases.map(c -> named(group + ": " + c.name(), c)).toList();
    }

    @Order(1)
    @ParameterizedTest(name = "Hostile input on {0} {1}")
    @MethodSource("everyCase")
    @DisplayName("Hostile input at the facade, in free text (stored verbatim), at the self-service links, across "
            + "tenants and straight at the JDBC adapters")
    void hostileInput(Store store, HostileCase hostile) {
        run(store, hostile);
    }

    /**
     * Runs one case on a store, then checks the log lines it produced: no personal data, no raw
     * control characters, no forged line.
     */
    private static void run(Store store, HostileCase hostile) {
        Database db;
        try {
            db = DATABASES.get(store);
        } catch (IllegalStateException unreachable) {
            tried++;
            FAILED.add(store + ": " + hostile.name());
            throw unreachable;
        }
        tried++;
        String name = store + ": " + hostile.name();
        int mark = LogCapture.mark();
        try {
            HostileWorld world;
            if (hostile.readOnly()) {
                world = SHARED.get(store);
                if (world == null) {
                    world = HostileWorld.on(db);
                    SHARED.put(store, world);
                }
            } else {
                SHARED.remove(store);
                world = HostileWorld.on(db);
            }
            try {
                hostile.check().accept(world);
            } catch (RuntimeException | AssertionError e) {
                // The world may have been changed by the failure: the next read-only case gets a new one.
                SHARED.remove(store);
                throw e;
            } finally {
                thenTheLogsAreClean(LogCapture.since(mark));
            }
            passed++;
            REPORT.add("PASS " + name);
        } catch (RuntimeException | AssertionError e) {
            FAILED.add(name);
            REPORT.add("FAIL " + name + "\n     " + LogCapture.abbreviate(firstLine(e), 400));
            // Surefire reports parameterized cases by index: the case's name leads the message.
            throw new AssertionError("hostile input on " + name + ": " + e.getMessage(), e);
        }
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage()).strip();
        return e.getClass().getSimpleName() + ": " + message.replace("\n", " ").replaceAll(" +", " ");
    }

    static void thenTheLogsAreClean(List<String> lines) {
        assertThat(LogCapture.personalDataIn(lines, PersonalData.values()))
                .as("log lines carrying personal data").isEmpty();
        assertThat(lines.stream().filter(line -> line.chars().anyMatch(c -> c < 0x20 && c != '\t'))
                .map(LogCapture::abbreviate).toList())
                .as("log lines with raw control characters (a garbled log, or a terminal escape)").isEmpty();
        assertThat(lines.stream().filter(line -> line.substring(line.indexOf(' ') + 1).startsWith("FORGED"))
                .map(LogCapture::abbreviate).toList())
                .as("forged log lines (a CR LF in a logged value started a line of its own)").isEmpty();
    }

    // ------------------------------------------------------------------------- negative control

    @Test
    @Order(2)
    @DisplayName("Hostile input, negative control: the capture really sees the library's log lines "
            + "(SLF4J, with booking ids and denial codes) and JBoss Logging's (Hibernate Validator's)")
    void theCaptureSeesTheLibrarysLines() {
        HostileWorld w = HostileWorld.on(DATABASES.h2());
        SHARED.remove(Store.H2);
        int mark = LogCapture.mark();

        w.self.open("not-a-token");
        w.self.verifyIdentity(w.manageToken, PersonalData.of("typed-answer-wrong@example.org"));
        w.rules.cancel(HostileWorld.STAFF, BookingRef.of(HostileWorld.TENANT_A, "no-such-booking"),
                ChangeRequest.none());
        String probe = "jboss-logging-probe-" + System.nanoTime();
        org.jboss.logging.Logger.getLogger("org.hibernate.validator.hostile").info(probe);
        List<String> lines = LogCapture.since(mark);

        assertThat(lines).as("SelfService's INFO line for a bad token").anyMatch(l -> l.contains("link rejected"));
        assertThat(lines).as("SelfService's INFO line naming the booking id of a wrong answer")
                .anyMatch(l -> l.contains("booking=" + w.zoe.id()) && l.contains("wrong answer"));
        assertThat(lines).as("a line logged through JBoss Logging, as Hibernate Validator logs")
                .anyMatch(l -> l.contains(probe));
        if (LogCapture.debugActive()) {
            assertThat(lines).as("BookingRules' DEBUG line for the refusal, with the id only")
                    .anyMatch(l -> l.contains("no-such-booking") && l.contains("refused: BOOKING_NOT_FOUND"));
        }
        assertThat(w.self.open(w.manageToken)).isInstanceOf(LinkResult.Ok.class);
        thenTheLogsAreClean(lines);
        // The check itself must be able to fail: a line with a test customer's e-mail is caught.
        assertThat(LogCapture.personalDataIn(List.of("err [main] INFO x - sent to " + HostileWorld.ZOE.email()),
                PersonalData.values())).isNotEmpty();
        // And, over the whole suite so far, no line carried personal data.
        assertThat(LogCapture.personalDataIn(LogCapture.all(), PersonalData.values()))
                .as("personal data in any log line of the suite").isEmpty();
    }
}
