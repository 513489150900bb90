package org.bookingrules.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library as named JPMS modules: a consumer module that requires {@code org.bookingrules.jdbc}
 * compiles and runs on the module path with nothing but the modules it needs, and no
 * {@code --add-modules}; the jars export the API packages and nothing else.
 *
 * <p>The library modules are taken from this module's test classpath, which is what the reactor
 * resolved: the packaged jars in {@code mvn verify} (the library modules are packaged before these
 * tests run), their {@code target/classes} folders in {@code mvn test}. Either is a module on the
 * module path, so the test never looks at a jar left over from an earlier build.
 */
@DisplayName("JPMS: the library's named modules on the module path")
class ModulePathTest {

    private static final String CORE = "org.bookingrules.core";
    private static final String JDBC = "org.bookingrules.jdbc";

    /** What an application puts on its module path to use the JDBC module on H2, logging included. */
    private static final List<String> MODULES = List.of(CORE, JDBC, "org.threeten.extra", "jakarta.validation",
            "org.hibernate.validator", "org.jboss.logging", "com.fasterxml.classmate", "org.slf4j",
            "org.slf4j.simple", "com.h2database", "tools.jackson.core");

    private static final Set<String> CORE_API = Set.of("org.bookingrules", "org.bookingrules.i18n",
            "org.bookingrules.links", "org.bookingrules.memory", "org.bookingrules.model",
            "org.bookingrules.policy", "org.bookingrules.rules", "org.bookingrules.spi",
            "org.bookingrules.waitlist");

    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    private static final String CONSUMER_MODULE = """
            module demo.consumer {
                // The core module, threeten-extra and java.sql come with it (requires transitive).
                requires org.bookingrules.jdbc;
                requires com.h2database;
                // H2's JdbcDataSource implements javax.naming.Referenceable; H2, an automatic module,
                // cannot say so itself. Nothing of the library's needs it.
                requires java.naming;
            }
            """;

    private static final String CONSUMER_MAIN = """
            package demo;

            import java.io.IOException;
            import java.time.Clock;
            import java.time.Duration;
            import java.time.Instant;
            import java.time.ZoneId;
            import java.time.temporal.ChronoUnit;
            import java.util.Locale;
            import org.bookingrules.BookRequest;
            import org.bookingrules.BookingRef;
            import org.bookingrules.BookingRules;
            import org.bookingrules.ChangeRequest;
            import org.bookingrules.InvalidRequestException;
            import org.bookingrules.Outcome;
            import org.bookingrules.jdbc.JdbcBookingRepository;
            import org.bookingrules.jdbc.JdbcDialect;
            import org.bookingrules.jdbc.JdbcSchema;
            import org.bookingrules.memory.InMemoryBookingRepository;
            import org.bookingrules.model.Actor;
            import org.bookingrules.model.Booking;
            import org.bookingrules.model.CustomerDetails;
            import org.bookingrules.model.Resource;
            import org.bookingrules.model.Service;
            import org.bookingrules.policy.BookingPolicy;
            import org.h2.jdbcx.JdbcDataSource;
            import org.threeten.extra.Interval;

            public final class Main {
                private static final Resource RUIZ = new Resource("dr-ruiz", "Dr. Ruiz", "+34 910 000 000");
                private static final Service CONSULTATION = new Service("consultation", "Consultation");
                private static final ZoneId MADRID = ZoneId.of("Europe/Madrid");
                private static final Actor ANA = Actor.customer("cust-ana");

                public static void main(String[] args) {
                    try {
                        run();
                    } catch (Throwable t) {
                        t.printStackTrace();
                        System.exit(1);
                    }
                    System.exit(0);
                }

                private static void run() throws IOException {
                    Clock clock = Clock.systemUTC();
                    Instant now = clock.instant().truncatedTo(ChronoUnit.MINUTES);
                    CustomerDetails ana = new CustomerDetails("cust-ana", "Ana", "ana@example.org", null,
                            Locale.forLanguageTag("es"));
                    BookingRules rules = BookingRules.builder()
                            .repository(new InMemoryBookingRepository())
                            .policy(BookingPolicy.builder().cancellationNotice(Duration.ofHours(12)).build())
                            .clock(clock)
                            .build();

                    Booking first = rules.book(ANA, request(ana, now.plus(Duration.ofDays(3)))).orElseThrow().booking();
                    Interval slot = first.slot();
                    System.out.println("memory booked: " + first.status() + " for " + slot.toDuration());
                    Booking cancelled = rules.cancel(ANA, BookingRef.of("clinic-1", first.id()),
                            ChangeRequest.because("travelling")).orElseThrow().booking();
                    System.out.println("memory cancelled: " + cancelled.status());

                    Booking soon = rules.book(ANA, request(ana, now.plus(Duration.ofHours(3)))).orElseThrow().booking();
                    Outcome late = rules.cancel(ANA, BookingRef.of("clinic-1", soon.id()), ChangeRequest.because("late"));
                    if (!(late instanceof Outcome.Refused refused)) {
                        throw new IllegalStateException("a late cancel was not refused: " + late);
                    }
                    System.out.println("refused: " + refused.refusal().reason());
                    System.out.println("es: " + refused.refusal().message(Locale.forLanguageTag("es")));
                    System.out.println("de: " + refused.refusal().message(Locale.GERMAN));

                    CustomerDetails bad = new CustomerDetails("cust-bad", "Bad", "not an e-mail", null, Locale.ENGLISH);
                    try {
                        rules.book(ANA, request(bad, now.plus(Duration.ofDays(4))));
                        throw new IllegalStateException("an invalid e-mail address was accepted");
                    } catch (InvalidRequestException e) {
                        System.out.println("invalid: " + e.fields());
                    }

                    JdbcDataSource h2 = new JdbcDataSource();
                    h2.setURL("jdbc:h2:mem:modulepath;DB_CLOSE_DELAY=-1");
                    JdbcDialect dialect = JdbcSchema.create(h2);
                    BookingRules onH2 = BookingRules.builder().repository(JdbcBookingRepository.create(h2))
                            .clock(clock).build();
                    Booking stored = onH2.book(ANA, request(ana, now.plus(Duration.ofDays(5)))).orElseThrow().booking();
                    System.out.println("jdbc " + dialect + " schema " + JdbcSchema.appliedVersion(h2) + " of "
                            + JdbcSchema.latestVersion(dialect) + ", booked: " + stored.status());

                    // What a migration tool does with JdbcSchema.location: find the folder, read its files
                    // through a class loader.
                    int readable = 0;
                    for (JdbcDialect each : JdbcDialect.values()) {
                        String folder = JdbcSchema.location(each).substring("classpath:".length());
                        if (!ClassLoader.getSystemClassLoader().getResources(folder).hasMoreElements()) {
                            throw new IllegalStateException("a migration tool cannot find " + folder);
                        }
                        for (String file : each.schemaResources()) {
                            if (ClassLoader.getSystemClassLoader().getResource(file) == null) {
                                throw new IllegalStateException("a migration tool cannot read " + file);
                            }
                            readable++;
                        }
                    }
                    System.out.println("schema files readable by other modules: " + readable);
                    System.out.println("modules: " + BookingRules.class.getModule().getName() + ", "
                            + JdbcSchema.class.getModule().getName());
                }

                private static BookRequest request(CustomerDetails customer, Instant start) {
                    return BookRequest.of("clinic-1", RUIZ, CONSULTATION, customer, start,
                            start.plus(Duration.ofMinutes(30)), MADRID);
                }
            }
            """;

    /** Module name to where it is, in classpath order. */
    private static Map<String, Path> modules;

    @BeforeAll
    static void locateModules() {
        modules = new LinkedHashMap<>();
        for (Path entry : TestClassPath.entries()) {
            String name = moduleName(entry);
            if (name != null && MODULES.contains(name)) {
                modules.putIfAbsent(name, entry);
            }
        }
        assertThat(modules.keySet())
                .as("modules found on the test classpath %s", modules)
                .containsExactlyInAnyOrderElementsOf(MODULES);
    }

    // ------------------------------------------------------------------------------ descriptors

    @Test
    @DisplayName("the core jar exports exactly the API packages; internal.delivery, internal.schedule and "
            + "internal.settings only to the JDBC module")
    void coreExportsTheApiOnly(@TempDir Path work) {
        List<String> descriptor = describe(jarOf(CORE, work));

        assertThat(descriptor).first().asString().startsWith(CORE + "@").doesNotContain("automatic");
        assertThat(unqualifiedExports(descriptor)).containsExactlyInAnyOrderElementsOf(CORE_API);
        assertThat(descriptor)
                .contains("qualified exports org.bookingrules.internal.delivery to org.bookingrules.jdbc",
                        "qualified exports org.bookingrules.internal.schedule to org.bookingrules.jdbc",
                        "qualified exports org.bookingrules.internal.settings to org.bookingrules.jdbc")
                .noneMatch(line -> line.matches("(qualified )?exports org\\.bookingrules\\.internal(\\.rules)?( .*)?"))
                .contains("requires org.threeten.extra transitive", "requires org.slf4j",
                        "requires jakarta.validation", "requires org.hibernate.validator")
                .contains("qualified opens org.bookingrules to org.hibernate.validator",
                        "qualified opens org.bookingrules.model to org.hibernate.validator")
                .noneMatch(line -> line.startsWith("opens "));
    }

    @Test
    @DisplayName("the JDBC jar exports its one package, passes on core and java.sql, and opens the schema folders")
    void jdbcExportsItsPackage(@TempDir Path work) {
        List<String> descriptor = describe(jarOf(JDBC, work));

        assertThat(descriptor).first().asString().startsWith(JDBC + "@").doesNotContain("automatic");
        assertThat(unqualifiedExports(descriptor)).containsExactly("org.bookingrules.jdbc");
        assertThat(descriptor)
                .noneMatch(line -> line.startsWith("qualified exports"))
                .contains("requires org.bookingrules.core transitive", "requires java.sql transitive",
                        "requires org.slf4j", "requires tools.jackson.core")
                .contains("opens org.bookingrules.jdbc.schema.h2", "opens org.bookingrules.jdbc.schema.mariadb",
                        "opens org.bookingrules.jdbc.schema.postgresql");
    }

    // -------------------------------------------------------------------------------- consumer

    @Test
    @DisplayName("a named module requiring org.bookingrules.jdbc compiles and runs with no --add-modules: "
            + "in memory, Spanish refusals, Hibernate Validator, H2, slf4j")
    void consumerModuleCompilesAndRuns(@TempDir Path work) throws IOException {
        Path classes = compileConsumer(work, CONSUMER_MAIN);

        // A Spanish default locale: a German reader must still get English, never the JVM's language.
        Run run = java(work, classes, List.of("-Duser.language=es", "-Duser.country=ES"));

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out().lines().toList()).as(run.toString())
                .contains("memory cancelled: CANCELLED", "refused: CANCELLATION_NOTICE_PASSED",
                        "invalid: [customer.email]", "modules: org.bookingrules.core, org.bookingrules.jdbc")
                .anyMatch(line -> line.startsWith("memory booked: ") && line.endsWith(" for PT30M"))
                .anyMatch(line -> line.startsWith("es: Ya es demasiado tarde para anular esta reserva en línea. ")
                        && line.endsWith(" Por favor, contacte a +34 910 000 000."))
                .anyMatch(line -> line.startsWith("de: It is too late to cancel this booking online. ")
                        && line.endsWith(" Please contact +34 910 000 000."))
                .anyMatch(line -> line.matches("jdbc H2 schema (\\d+) of \\1, booked: [A-Z_]+"))
                .anyMatch(line -> line.matches("schema files readable by other modules: [1-9]\\d*"));
        // slf4j found its provider on the module path: the library's log lines are printed.
        assertThat(run.err()).as(run.toString())
                .contains("org.bookingrules.jdbc.JdbcSchema - booking schema ready on H2")
                .doesNotContain("No SLF4J providers", "NoClassDefFoundError", "Exception in thread");
    }

    @Test
    @DisplayName("negative control: a consumer cannot compile against org.bookingrules.internal or "
            + "internal.delivery")
    void internalPackagesAreNotReadable(@TempDir Path work) throws IOException {
        String usesInternals = """
                package demo;

                public final class Main {
                    public static void main(String[] args) {
                        System.out.println(org.bookingrules.internal.Ids.MAX_LENGTH);
                        System.out.println(org.bookingrules.internal.delivery.NotificationDispatcher.class);
                    }
                }
                """;

        Javac javac = javac(work, usesInternals);

        assertThat(javac.exitCode()).as(javac.output()).isNotZero();
        assertThat(javac.output())
                .contains("package org.bookingrules.internal is declared in module org.bookingrules.core, "
                        + "which does not export it")
                .contains("package org.bookingrules.internal.delivery is declared in module "
                        + "org.bookingrules.core, which does not export it to module demo.consumer");
    }

    // --------------------------------------------------------------------------------- helpers

    /** A consumer compiled as a module with lint on and warnings as errors: it must compile cleanly. */
    private Path compileConsumer(Path work, String main) throws IOException {
        Javac javac = javac(work, main);
        assertThat(javac.exitCode()).as("javac of the consumer module:\n" + javac.output()).isZero();
        return javac.classes();
    }

    private record Javac(int exitCode, String output, Path classes) {
    }

    private Javac javac(Path work, String main) throws IOException {
        Path sources = work.resolve("src");
        Path classes = work.resolve("classes");
        Files.createDirectories(sources.resolve("demo"));
        Files.writeString(sources.resolve("module-info.java"), CONSUMER_MODULE, UTF_8);
        Files.writeString(sources.resolve("demo").resolve("Main.java"), main, UTF_8);
        // javac run in this JVM would take this JVM's class path as its own: give it an empty one.
        Path emptyClassPath = Files.createDirectories(work.resolve("empty"));
        ToolProvider tool = ToolProvider.findFirst("javac")
                .orElseThrow(() -> new IllegalStateException("no javac in " + System.getProperty("java.home")));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, UTF_8)) {
            // requires-automatic: H2 is an automatic module, which the consumer requires on purpose.
            exitCode = tool.run(out, out, "--release", "17", "-encoding", "UTF-8",
                    "-Xlint:all,-requires-automatic", "-Werror",
                    "--class-path", emptyClassPath.toString(),
                    "--module-path", modulePath(List.of()),
                    "-d", classes.toString(),
                    sources.resolve("module-info.java").toString(),
                    sources.resolve("demo").resolve("Main.java").toString());
        }
        return new Javac(exitCode, output.toString(UTF_8), classes);
    }

    private record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /** Runs the consumer in a new JVM of this JDK: the module path only, no --add-modules, no class path. */
    private Run java(Path work, Path classes, List<String> options) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dfile.encoding=UTF-8", "-Dsun.stdout.encoding=UTF-8", "-Dsun.stderr.encoding=UTF-8",
                "-Duser.timezone=UTC"));
        command.addAll(options);
        command.addAll(List.of("--module-path", modulePath(List.of(classes)), "--module", "demo.consumer/demo.Main"));
        Path out = work.resolve("java.out");
        Path err = work.resolve("java.err");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            boolean ended = process.waitFor(RUN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                process.destroyForcibly().waitFor();
            }
            Run run = new Run(process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
            assertThat(ended).as("the consumer ended within %s\n%s", RUN_TIMEOUT, run).isTrue();
            return run;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while the consumer ran", e);
        }
    }

    private static String modulePath(List<Path> extra) {
        List<Path> path = new ArrayList<>(extra);
        path.addAll(modules.values());
        return path.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * The jar of a library module: the packaged one when the reactor resolved it, otherwise (its
     * classes folder, in {@code mvn test}) one made from that folder.
     */
    private static Path jarOf(String module, Path work) {
        Path location = modules.get(module);
        if (Files.isRegularFile(location)) {
            return location;
        }
        Path jar = work.resolve(module + ".jar");
        runTool("jar", "--create", "--file", jar.toString(), "-C", location.toString(), ".");
        return jar;
    }

    /** {@code jar --describe-module}, one trimmed line each. */
    private static List<String> describe(Path jar) {
        return runTool("jar", "--describe-module", "--file", jar.toString()).lines()
                .map(String::strip)
                .filter(line -> !line.isEmpty())
                .toList();
    }

    private static Set<String> unqualifiedExports(List<String> descriptor) {
        return descriptor.stream()
                .filter(line -> line.startsWith("exports "))
                .map(line -> line.substring("exports ".length()))
                .collect(Collectors.toSet());
    }

    private static String runTool(String name, String... args) {
        ToolProvider tool = ToolProvider.findFirst(name)
                .orElseThrow(() -> new IllegalStateException("no " + name + " tool in " + System.getProperty("java.home")));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exitCode;
        try (PrintStream out = new PrintStream(output, true, UTF_8)) {
            exitCode = tool.run(out, out, args);
        }
        String text = output.toString(UTF_8);
        assertThat(exitCode).as(name + " " + String.join(" ", args) + "\n" + text).isZero();
        return text;
    }

    /** The module a classpath entry would be on the module path, or null when it is none. */
    private static String moduleName(Path entry) {
        if (Files.isDirectory(entry) && !Files.isRegularFile(entry.resolve("module-info.class"))) {
            // A folder without a descriptor would be read as a folder of modules.
            return null;
        }
        if (!Files.isDirectory(entry) && !entry.getFileName().toString().endsWith(".jar")) {
            return null;
        }
        try {
            return ModuleFinder.of(entry).findAll().stream()
                    .map(ModuleReference::descriptor)
                    .map(ModuleDescriptor::name)
                    .findFirst()
                    .orElse(null);
        } catch (FindException e) {
            return null; // no valid module name can be derived from it
        }
    }
}
