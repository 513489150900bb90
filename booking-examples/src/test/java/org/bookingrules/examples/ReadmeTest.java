package org.bookingrules.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.ChangeRequest;
import org.bookingrules.Outcome;
import org.bookingrules.i18n.Messages;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcLinkGuardStore;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.links.LinkResult;
import org.bookingrules.links.ManageLinks;
import org.bookingrules.memory.InMemoryBookingRepository;
import org.bookingrules.model.Actor;
import org.bookingrules.model.Booking;
import org.bookingrules.model.BookingStatus;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.model.Resource;
import org.bookingrules.model.Service;
import org.bookingrules.rules.RefusalReason;
import org.bookingrules.spi.Notification;
import org.bookingrules.spi.RecipientRole;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README's Java true: reads {@code README.md} at the repository root, compiles every
 * {@code ```java} block on its own (each must be a whole class, imports included) against the test
 * classpath, and runs the examples a new user would run. A block that stops compiling or working
 * fails {@code mvn -B verify}.
 *
 * <p>Runs: {@code QuickStart} and {@code JdbcQuickStart} in a JVM of their own (the JDBC one on its
 * in-memory H2 database, with a booking made next to it to see its relay deliver); the staff
 * cancel and the self-service page on this JVM, against a booking made here. Any other block is
 * compiled only.
 */
@DisplayName("README: every Java block compiles, and the examples run")
class ReadmeTest {

    private static final ReadmeTestHarness HARNESS = ReadmeTestHarness.forProject();
    private static final Duration MAIN_TIMEOUT = Duration.ofSeconds(60);

    /** What running a compiled block checks, by the block's class name. */
    private final Map<String, Check> runs = Map.of(
            "QuickStart", this::quickStartBooksAndRefusesALateCancel,
            "StaffCancel", this::staffCancelGoesThroughWithTheMessage,
            "SelfServicePage", this::selfServiceCancelsAfterTheEmailCheck,
            "JdbcQuickStart", this::jdbcExampleRelaysTheOutbox);

    @TempDir
    Path work;

    @FunctionalInterface
    private interface Check {
        void run(ReadmeTestHarness.Block block, Path classes) throws Exception;
    }

    @TestFactory
    @DisplayName("each Java block of README.md")
    Stream<DynamicTest> everyJavaBlock() {
        return HARNESS.blocks().stream()
                .map(block -> DynamicTest.dynamicTest(String.valueOf(block.className()), () -> verify(block)));
    }

    /** Compiles a block and, when it is one of the examples, runs it. What each dynamic test does. */
    private void verify(ReadmeTestHarness.Block block) throws Exception {
        ReadmeTestHarness.Compilation compiled = HARNESS.compile(block, work);
        if (!compiled.success()) {
            throw new AssertionError(block + " does not compile:\n" + compiled.report());
        }
        Check run = runs.get(block.className());
        if (run != null) {
            run.run(block, compiled.classes());
        }
    }

    @Test
    @DisplayName("the README read is the repository's own, and it has every example that must run")
    void readmeHasTheExamples() throws Exception {
        assertThat(HARNESS.readme().getParent().resolve("pom.xml")).content()
                .contains("<artifactId>booking-rules-parent</artifactId>");
        assertThat(Files.readString(HARNESS.readme())).startsWith("# Booking Rules");
        List<ReadmeTestHarness.Block> blocks = HARNESS.blocks();
        List<String> names = blocks.stream().map(ReadmeTestHarness.Block::className).toList();
        assertThat(names).as("every Java block declares a public class named after it").doesNotContainNull()
                .doesNotHaveDuplicates();
        assertThat(names).as("the examples this test runs").containsAll(runs.keySet());
    }

    @Test
    @DisplayName("negative control: a README block without one of its imports fails")
    void missingImportFails() {
        ReadmeTestHarness.Block quickStart = readmeBlock("QuickStart");
        String anImport = quickStart.source().lines().filter(l -> l.startsWith("import org.bookingrules."))
                .findFirst().orElseThrow();
        ReadmeTestHarness.Block broken = quickStart.withSource(quickStart.source().replace(anImport + "\n", ""));
        String simpleName = anImport.substring(anImport.lastIndexOf('.') + 1, anImport.length() - 1);

        assertThatThrownBy(() -> verify(broken)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not compile")
                .hasMessageContaining("cannot find symbol")
                .hasMessageContaining(simpleName);
    }

    @Test
    @DisplayName("negative control: a README block using an undefined name fails")
    void undefinedNameFails() {
        ReadmeTestHarness.Block quickStart = readmeBlock("QuickStart");
        String mainLine = "public static void main(String[] args) {";
        assertThat(quickStart.source()).contains(mainLine);
        ReadmeTestHarness.Block broken = quickStart.withSource(quickStart.source()
                .replace(mainLine, mainLine + "\n        mailer.send(ref);"));

        assertThatThrownBy(() -> verify(broken)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("does not compile")
                .hasMessageContaining("cannot find symbol")
                .hasMessageContaining("mailer");
    }

    @Test
    @DisplayName("negative control: a README block that is not a whole class fails")
    void fragmentFails() {
        ReadmeTestHarness.Block fragment = new ReadmeTestHarness.Block(null, 1,
                "rules.cancel(Actor.staff(\"maria\"), ref, ChangeRequest.because(\"Doctor ill\"));\n");

        assertThatThrownBy(() -> verify(fragment)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("not a complete compilation unit");
    }

    private static ReadmeTestHarness.Block readmeBlock(String className) {
        return HARNESS.blocks().stream().filter(b -> className.equals(b.className())).findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no Java block with class " + className));
    }

    // ------------------------------------------------------------------------------ the examples

    /** A booking made, and the customer's late cancel refused with its reason, shown in words. */
    private void quickStartBooksAndRefusesALateCancel(ReadmeTestHarness.Block block, Path classes) {
        ReadmeTestHarness.Run run = HARNESS.runJava(List.of(classes), block.className(), List.of(), MAIN_TIMEOUT, work);

        assertThat(run.exitCode()).as("%s ran: %s", block, run).isZero();
        String key = RefusalReason.CANCELLATION_NOTICE_PASSED.messageKey();
        List<String> refusalTexts = Stream.of(Locale.ENGLISH, Locale.forLanguageTag("es"))
                .map(locale -> Messages.text(locale, key)).toList();
        assertThat(refusalTexts).as("the late-cancel refusal, shown in words, in\n%s", run)
                .anyMatch(text -> run.out().contains(text));
        assertThat(run.err()).as("%s", run).doesNotContain("Exception");
    }

    /** Staff cancel inside the notice; only the customer is told, with the personal message. */
    private void staffCancelGoesThroughWithTheMessage(ReadmeTestHarness.Block block, Path classes)
            throws Exception {
        List<Notification> sent = new CopyOnWriteArrayList<>();
        BookingRules rules = BookingRules.builder()
                .repository(new InMemoryBookingRepository())
                .notifier(sent::add)
                .notificationExecutor(Runnable::run)
                .build();
        // Two hours ahead: a customer could no longer cancel (24 h notice); staff are not bound.
        Booking booking = book(rules, Instant.now().plus(Duration.ofHours(2)));
        BookingRef ref = BookingRef.of(booking.tenantId(), booking.id());
        assertThat(rules.cancel(Actor.customer("cust-ana"), ref,
                ChangeRequest.because("late")).isDone()).isFalse();
        sent.clear();

        try (URLClassLoader loader = loaderFor(classes)) {
            Method cancel = publicStaticMethod(loader.loadClass(block.className()), Outcome.class,
                    BookingRules.class, BookingRef.class);
            Outcome outcome = (Outcome) cancel.invoke(null, rules, ref);

            assertThat(outcome.orElseThrow().booking().status()).isEqualTo(BookingStatus.CANCELLED);
            assertThat(sent).isNotEmpty().allSatisfy(n -> {
                assertThat(n.recipient()).isEqualTo(RecipientRole.CUSTOMER);
                assertThat(n.message()).get().asString().isNotBlank();
            });
        }
    }

    /** The link opens; a wrong e-mail is refused in words; the right one lets the customer cancel. */
    private void selfServiceCancelsAfterTheEmailCheck(ReadmeTestHarness.Block block, Path classes)
            throws Exception {
        DataSource dataSource = h2("readme-self-service");
        JdbcSchema.create(dataSource);
        byte[] secret = randomKey();
        byte[] oldSecret = randomKey();
        BookingRules rules = BookingRules.builder().repository(JdbcBookingRepository.create(dataSource)).build();
        Booking booking = book(rules, Instant.now().plus(Duration.ofDays(3)));
        // The README's page signs with the key it names; this is that key's link for the booking.
        String token = ManageLinks.builder()
                .signingKey(readmeSigningKeyId(block), secret)
                .guardStore(JdbcLinkGuardStore.create(dataSource))
                .build()
                .issueManage(booking);

        try (URLClassLoader loader = loaderFor(classes)) {
            Class<?> pageClass = loader.loadClass(block.className());
            Constructor<?> constructor = pageClass.getConstructor(DataSource.class, byte[].class, byte[].class);
            Object page = constructor.newInstance(dataSource, secret, oldSecret);
            Method open = pageClass.getMethod("open", String.class);
            Method cancel = pageClass.getMethod("cancel", String.class, String.class);

            assertThat(open.invoke(page, token)).isInstanceOf(LinkResult.Ok.class);
            assertThat((String) cancel.invoke(page, token, "someone@example.org")).isNotBlank();
            assertThat(statusOf(dataSource, booking)).isEqualTo(booking.status());
            assertThat((String) cancel.invoke(page, token, "ana@example.org")).isNotBlank();
            assertThat(statusOf(dataSource, booking)).isEqualTo(BookingStatus.CANCELLED);
        }
    }

    /** The example's main returns with its schedules running; its relay delivers what is booked. */
    private void jdbcExampleRelaysTheOutbox(ReadmeTestHarness.Block block, Path classes) {
        Matcher url = Pattern.compile("\"(jdbc:h2:mem:[^\"]+)\"").matcher(block.source());
        assertThat(url.find()).as("%s uses an in-memory H2 database, so it runs standalone", block).isTrue();

        ReadmeTestHarness.Run run = HARNESS.runJava(List.of(classes), ReadmeTestJdbcProbe.class.getName(),
                List.of(block.className(), url.group(1)), MAIN_TIMEOUT, work);

        assertThat(run.exitCode()).as("%s ran: %s", block, run).isZero();
        assertThat(run.err()).as("%s", run).contains(ReadmeTestJdbcProbe.DELIVERED);
        assertThat(run.out()).as("%s", run).isNotBlank();
    }

    // ---------------------------------------------------------------------------------- helpers

    private static Booking book(BookingRules rules, Instant start) {
        Instant at = start.truncatedTo(ChronoUnit.MINUTES);
        return rules.book(Actor.customer("cust-ana"), BookRequest.of("clinic-1",
                        new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000"),
                        new Service("consultation", "Consultation"),
                        new CustomerDetails("cust-ana", "Ana Pérez", "ana@example.org", null, Locale.ENGLISH),
                        at, at.plus(Duration.ofMinutes(45)), ZoneId.of("Europe/Madrid")))
                .orElseThrow().booking();
    }

    private static BookingStatus statusOf(DataSource dataSource, Booking booking) {
        return JdbcBookingRepository.create(dataSource).find(booking.tenantId(), booking.id())
                .orElseThrow().status();
    }

    private static DataSource h2(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + "-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }

    private static byte[] randomKey() {
        byte[] key = new byte[ManageLinks.MIN_KEY_BYTES];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static String readmeSigningKeyId(ReadmeTestHarness.Block block) {
        Matcher m = Pattern.compile("\\.signingKey\\(\"([^\"]+)\"").matcher(block.source());
        assertThat(m.find()).as("%s names its signing key id", block).isTrue();
        return m.group(1);
    }

    /** The block's classes, seeing the library's classes as this test does. */
    private URLClassLoader loaderFor(Path classes) throws MalformedURLException {
        return new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
    }

    private static Method publicStaticMethod(Class<?> type, Class<?> returns, Class<?>... parameters) {
        Set<Method> found = Arrays.stream(type.getMethods())
                .filter(m -> Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == returns && Arrays.equals(m.getParameterTypes(), parameters))
                .collect(Collectors.toSet());
        assertThat(found).as("%s has one public static %s method taking %s", type.getSimpleName(),
                returns.getSimpleName(), Arrays.toString(parameters)).hasSize(1);
        return found.iterator().next();
    }
}
