package org.bookingrules.jdbc.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.BOB;
import static org.bookingrules.testing.Fixture.CONSULTATION;
import static org.bookingrules.testing.Fixture.DR_RUIZ;
import static org.bookingrules.testing.Fixture.NOW;
import static org.bookingrules.testing.Fixture.ZONE;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bookingrules.BookRequest;
import org.bookingrules.BookingRef;
import org.bookingrules.BookingRules;
import org.bookingrules.Outcome;
import org.bookingrules.jdbc.JdbcBookingRepository;
import org.bookingrules.jdbc.JdbcDialect;
import org.bookingrules.jdbc.JdbcSchema;
import org.bookingrules.jdbc.TestDatabases;
import org.bookingrules.jdbc.TestDatabases.Database;
import org.bookingrules.jdbc.TestDatabases.Store;
import org.bookingrules.model.Actor;
import org.bookingrules.model.CustomerDetails;
import org.bookingrules.rules.RefusalReason;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.api.output.ValidateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The library's schema run with Flyway in an application that has migrations of its own, as
 * {@code docs/SCHEMA.md} tells users to set it up: the library's files by a Flyway instance of their
 * own (history table {@link JdbcSchema#HISTORY_TABLE}, baseline {@link JdbcSchema#appliedVersion}),
 * the application's {@code V1__app_tables.sql} by the application's Flyway (default history table,
 * baseline 0). Every test gets a new, empty namespace ({@link TestDatabases#fresh}) and drops it
 * afterwards.
 */
abstract class FlywayMigrationContract {

    private static final String TENANT = "clinic-flyway";

    /** The library's tables, as every schema file of this release leaves them. */
    private static final List<String> LIBRARY_TABLES = List.of("br_booking", "br_booking_event", "br_outbox",
            "br_resource_lock", "br_idempotency_key", "br_link_guard", "br_waitlist_entry", "br_waitlist_event",
            "br_slot_hold", "br_slot_offer", "br_schema_version");
    /** The test application's tables, from its V1__app_tables.sql. */
    private static final List<String> APP_TABLES = List.of("app_patient", "app_invoice");
    /** Flyway's default history table, the application's. */
    private static final String APP_HISTORY_TABLE = "flyway_schema_history";

    /** How the database is when Flyway first comes to it. */
    enum Start {
        /** Empty. */
        NEW,
        /** Made by {@link JdbcSchema#create}, with a booking in it. */
        MADE_BY_CREATE
    }

    @RegisterExtension
    static final TestDatabases DATABASES = new TestDatabases();

    private Database db;

    /** @return the database these tests run on */
    abstract JdbcDialect dialect();

    @BeforeEach
    void openDatabase() {
        db = DATABASES.fresh(Store.of(dialect()));
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    // ------------------------------------------------------------------------------- the set-up

    /** The library's Flyway, configured as docs/SCHEMA.md shows. */
    private Flyway libraryFlyway() {
        DataSource dataSource = db.dataSource();
        FluentConfiguration config = Flyway.configure()
                .dataSource(dataSource)
                .locations(JdbcSchema.location(JdbcDialect.detect(dataSource)))
                .table(JdbcSchema.HISTORY_TABLE)
                .baselineOnMigrate(true)
                .baselineVersion(String.valueOf(JdbcSchema.appliedVersion(dataSource)));
        return inTestSchema(config).load();
    }

    /** The application's own Flyway: default history table; baseline 0 so its V1 still runs. */
    private Flyway appFlyway() {
        return inTestSchema(appConfiguration().baselineOnMigrate(true).baselineVersion("0")).load();
    }

    private FluentConfiguration appConfiguration() {
        return Flyway.configure().dataSource(db.dataSource()).locations(appLocation());
    }

    private String appLocation() {
        String folder = dialect().schemaFolder();
        return "classpath:flyway-app/" + folder.substring(folder.lastIndexOf('/') + 1);
    }

    private FluentConfiguration inTestSchema(FluentConfiguration config) {
        return db.postgresSchema() == null ? config : config.schemas(db.postgresSchema());
    }

    private int latest() {
        return JdbcSchema.latestVersion(dialect());
    }

    private int fileCount() {
        return dialect().schemaResources().size();
    }

    // ------------------------------------------------------------------------------- the tests

    @Test
    @DisplayName("a new database: the library's Flyway, then the application's, each runs all its own migrations; "
            + "every table is there and BookingRules books on it")
    void newDatabaseLibraryFirst() {
        Runs runs = migrateBothFrom(Start.NEW);

        assertThat(runs.library().migrationsExecuted).as("every library file").isEqualTo(fileCount());
        assertThat(runs.library().targetSchemaVersion).isEqualTo(String.valueOf(latest()));
        assertThat(runs.app().migrationsExecuted).as("the application's V1").isEqualTo(1);
        assertThat(runs.app().targetSchemaVersion).isEqualTo("1");
        assertEveryTable();
        assertThat(db.count("SELECT COUNT(*) FROM app_patient")).as("the app's V1 ran, rows and all").isEqualTo(1);
        assertOverlapGuard();
        assertBookingWorks(0);
    }

    @Test
    @DisplayName("a new database: the application's Flyway first, then the library's, which the application's tables "
            + "do not stop (baselined at 0, then every file run)")
    void newDatabaseAppFirst() {
        MigrateResult app = appFlyway().migrate();
        MigrateResult library = libraryFlyway().migrate();

        assertThat(app.migrationsExecuted).isEqualTo(1);
        assertThat(library.migrationsExecuted).as("every library file").isEqualTo(fileCount());
        MigrationInfo baseline = firstVersioned(libraryFlyway());
        assertThat(baseline.getState()).isEqualTo(MigrationState.BASELINE);
        assertThat(baseline.getVersion().getVersion()).isEqualTo("0");
        assertThat(versions(libraryFlyway())).as("a baseline at 0, then every file")
                .containsExactlyElementsOf(Stream.concat(Stream.of("0"), fileVersions().stream()).toList());
        assertEveryTable();
        assertOverlapGuard();
        assertBookingWorks(0);
    }

    @Test
    @DisplayName("a database made by JdbcSchema.create: the library's Flyway takes it over at the version create "
            + "recorded and runs nothing; the application's Flyway runs its V1; the stored booking stays")
    void takesOverADatabaseMadeByCreate() {
        assertThat(JdbcSchema.create(db.dataSource())).isEqualTo(dialect());
        bookAna();
        assertThat(JdbcSchema.appliedVersion(db.dataSource())).isEqualTo(latest());

        MigrateResult library = libraryFlyway().migrate();
        MigrateResult app = appFlyway().migrate();

        assertThat(library.migrationsExecuted).as("nothing run again").isZero();
        assertThat(versions(libraryFlyway())).as("one baseline row at the version create recorded")
                .containsExactly(String.valueOf(latest()));
        MigrationInfo baseline = firstVersioned(libraryFlyway());
        assertThat(baseline.getState()).isEqualTo(MigrationState.BASELINE);
        assertThat(libraryFlyway().info().pending()).as("no library file left to run").isEmpty();
        assertThat(app.migrationsExecuted).isEqualTo(1);
        assertEveryTable();
        assertOverlapGuard();
        assertBookingWorks(1);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Start.class)
    @DisplayName("a second run of both Flyway instances applies nothing and leaves both histories as they were")
    void secondRunIsANoOp(Start start) {
        migrateBothFrom(start);
        long libraryRows = historyRows(JdbcSchema.HISTORY_TABLE);
        long appRows = historyRows(APP_HISTORY_TABLE);

        MigrateResult library = libraryFlyway().migrate();
        MigrateResult app = appFlyway().migrate();

        assertThat(library.migrationsExecuted).isZero();
        assertThat(app.migrationsExecuted).isZero();
        assertThat(historyRows(JdbcSchema.HISTORY_TABLE)).isEqualTo(libraryRows);
        assertThat(historyRows(APP_HISTORY_TABLE)).isEqualTo(appRows);
        assertThat(versions(libraryFlyway())).as("library history: its files, or one baseline row")
                .containsExactlyElementsOf(start == Start.NEW ? fileVersions() : List.of(String.valueOf(latest())));
        assertThat(versions(appFlyway())).as("app history: a baseline row at 0 (the library's tables were there "
                + "first), then its V1").containsExactly("0", "1");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Start.class)
    @DisplayName("Flyway validate passes for the library's and the application's migrations")
    void validatePasses(Start start) {
        migrateBothFrom(start);

        ValidateResult library = libraryFlyway().validateWithResult();
        ValidateResult app = appFlyway().validateWithResult();

        assertThat(library.validationSuccessful).as("library: %s", library.invalidMigrations).isTrue();
        assertThat(library.invalidMigrations).isEmpty();
        assertThat(app.validationSuccessful).as("app: %s", app.invalidMigrations).isTrue();
        assertThat(app.invalidMigrations).isEmpty();
    }

    @Test
    @DisplayName("a database made by a release that recorded no version: appliedVersion is 0 and Flyway runs every "
            + "file again, harmlessly (idempotent), keeping the data")
    void takesOverADatabaseWithoutVersionRecords() {
        JdbcSchema.create(db.dataSource());
        bookAna();
        db.execute("DROP TABLE " + JdbcSchema.VERSION_TABLE);
        assertThat(JdbcSchema.appliedVersion(db.dataSource())).isZero();

        MigrateResult library = libraryFlyway().migrate();
        appFlyway().migrate();

        assertThat(library.migrationsExecuted).isEqualTo(fileCount());
        assertThat(libraryFlyway().validateWithResult().validationSuccessful).isTrue();
        assertEveryTable();
        assertBookingWorks(1);
    }

    @Test
    @DisplayName("a database create left one file short of: Flyway runs exactly the files above appliedVersion")
    void takesOverAPartlyMadeDatabase() {
        JdbcSchema.create(db.dataSource());
        db.execute("DELETE FROM " + JdbcSchema.VERSION_TABLE + " WHERE version = " + latest());
        assertThat(JdbcSchema.appliedVersion(db.dataSource())).isEqualTo(latest() - 1);

        MigrateResult library = libraryFlyway().migrate();

        assertThat(library.migrationsExecuted).isEqualTo(1);
        assertThat(library.targetSchemaVersion).isEqualTo(String.valueOf(latest()));
        assertBookingWorks(0);
    }

    @Test
    @DisplayName("appliedVersion: 0 on an empty database and on one Flyway made; every file once recorded after "
            + "create, however often it runs; a gap stops the count")
    void appliedVersionReadsWhatCreateRecorded() {
        assertThat(JdbcSchema.appliedVersion(db.dataSource())).as("no version table").isZero();
        libraryFlyway().migrate();
        assertThat(db.tables()).contains(JdbcSchema.VERSION_TABLE);
        assertThat(JdbcSchema.appliedVersion(db.dataSource())).as("Flyway leaves the table empty").isZero();

        JdbcSchema.create(db.dataSource());
        JdbcSchema.create(db.dataSource());

        assertThat(JdbcSchema.appliedVersion(db.dataSource())).isEqualTo(latest());
        assertThat(db.count("SELECT COUNT(*) FROM " + JdbcSchema.VERSION_TABLE)).isEqualTo(fileCount());
        assertThat(db.count("SELECT COUNT(DISTINCT script) FROM " + JdbcSchema.VERSION_TABLE)).isEqualTo(fileCount());
        db.execute("DELETE FROM " + JdbcSchema.VERSION_TABLE + " WHERE version = 2");
        assertThat(JdbcSchema.appliedVersion(db.dataSource())).as("file 2 not recorded: 1 is the last of an unbroken "
                + "run").isEqualTo(1);
    }

    @Test
    @DisplayName("what users ran into: the library's folder added to the application's own Flyway clashes on "
            + "version 1")
    void oneFlywayForBothClashes() {
        Flyway both = inTestSchema(Flyway.configure().dataSource(db.dataSource())
                .locations(appLocation(), JdbcSchema.location(dialect()))).load();

        assertThatThrownBy(both::migrate).isInstanceOf(FlywayException.class)
                .hasMessageContaining("more than one migration with version 1");
        assertThat(db.tables()).doesNotContainAnyElementsOf(LIBRARY_TABLES);
    }

    @Test
    @DisplayName("what users ran into: on a database made by JdbcSchema.create, Flyway without baselineOnMigrate "
            + "refuses the non-empty schema")
    void flywayWithoutBaselineRefusesACreatedDatabase() {
        JdbcSchema.create(db.dataSource());
        Flyway plain = inTestSchema(appConfiguration()).load();

        assertThatThrownBy(plain::migrate).isInstanceOf(FlywayException.class)
                .hasMessageContaining("non-empty schema");
        assertThat(db.tables()).doesNotContainAnyElementsOf(APP_TABLES);
    }

    // ------------------------------------------------------------------------------- helpers

    /** What one run of the library's Flyway, then the application's, did. */
    private record Runs(MigrateResult library, MigrateResult app) {
    }

    /** Prepares the start, then runs the library's Flyway and the application's once each. */
    private Runs migrateBothFrom(Start start) {
        prepare(start);
        MigrateResult library = libraryFlyway().migrate();
        return new Runs(library, appFlyway().migrate());
    }

    private void prepare(Start start) {
        if (start == Start.MADE_BY_CREATE) {
            JdbcSchema.create(db.dataSource());
            bookAna();
        }
    }

    /**
     * The versions in a Flyway history, in order: applied migrations and baselines. (On H2 Flyway
     * also writes a row without version marking the table's creation; it is left out.)
     */
    private static List<String> versions(Flyway flyway) {
        return Arrays.stream(flyway.info().applied()).filter(i -> i.getVersion() != null)
                .map(i -> i.getVersion().getVersion()).toList();
    }

    /** The first applied migration or baseline of a Flyway history. */
    private static MigrationInfo firstVersioned(Flyway flyway) {
        return Arrays.stream(flyway.info().applied()).filter(i -> i.getVersion() != null).findFirst().orElseThrow();
    }

    /** The versions of this dialect's schema files, in order. */
    private List<String> fileVersions() {
        return dialect().schemaResources().stream()
                .map(r -> r.substring(r.lastIndexOf("/V") + 2, r.lastIndexOf("__"))).toList();
    }

    /** Rows of a Flyway history table; Flyway quotes its name, which keeps it lower case on H2. */
    private long historyRows(String table) {
        return db.count("SELECT COUNT(*) FROM " + (dialect() == JdbcDialect.H2 ? '"' + table + '"' : table));
    }

    private void assertEveryTable() {
        assertThat(db.tables()).containsAll(LIBRARY_TABLES).containsAll(APP_TABLES)
                .contains(JdbcSchema.HISTORY_TABLE, APP_HISTORY_TABLE);
    }

    private void assertOverlapGuard() {
        if (dialect() == JdbcDialect.POSTGRESQL) {
            assertThat(db.count("SELECT COUNT(*) FROM pg_constraint WHERE conname = 'br_booking_no_overlap' "
                    + "AND conrelid = to_regclass('br_booking')")).as("exclusion constraint in the test's schema")
                    .isEqualTo(1);
        }
    }

    private BookingRules rules() {
        return BookingRules.builder().repository(JdbcBookingRepository.create(db.dataSource()))
                .clock(Clock.fixed(NOW, ZONE)).build();
    }

    private Instant slot() {
        return NOW.plus(Duration.ofDays(3));
    }

    private BookRequest request(CustomerDetails customer, Instant start) {
        return BookRequest.of(TENANT, DR_RUIZ, CONSULTATION, customer, start, start.plus(Duration.ofMinutes(45)), ZONE);
    }

    private Outcome.Done bookAna() {
        return rules().book(Actor.customer(ANA.id()), request(ANA, slot())).orElseThrow();
    }

    /**
     * Books through the facade on the migrated database: a new booking, found again, its slot refused
     * to another customer.
     *
     * @param before bookings already stored in the tenant
     */
    private void assertBookingWorks(int before) {
        BookingRules rules = rules();
        Instant start = slot().plus(Duration.ofDays(1));
        Outcome.Done done = rules.book(Actor.customer(BOB.id()), request(BOB, start)).orElseThrow();
        assertThat(rules.find(Actor.customer(BOB.id()), BookingRef.of(TENANT, done.booking().id())))
                .contains(done.booking());
        Outcome taken = rules.book(Actor.customer(ANA.id()), request(ANA, start));
        assertThat(taken.asRefusal().orElseThrow().reason()).isEqualTo(RefusalReason.SLOT_UNAVAILABLE);
        assertThat(db.count("SELECT COUNT(*) FROM br_booking WHERE tenant_id = ?", TENANT)).isEqualTo(before + 1);
        assertThat(db.count("SELECT COUNT(*) FROM br_outbox WHERE tenant_id = ? AND booking_id = ?", TENANT,
                done.booking().id())).as("notifications written with the booking").isPositive();
    }
}
