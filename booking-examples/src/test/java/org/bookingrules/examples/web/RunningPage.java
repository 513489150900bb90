package org.bookingrules.examples.web;

import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.threeten.extra.MutableClock;

/**
 * What the page's tests start from: the demo clinic on a {@link MutableClock} at Monday 2 March
 * 2026, 10:00 in Madrid, and its self-service page on a free port of 127.0.0.1, fresh for every test
 * and stopped after it.
 */
abstract class RunningPage {

    /** Monday 2 March 2026, 10:00 in Madrid. */
    static final Instant NOW = Instant.parse("2026-03-02T09:00:00Z");
    /** The demo patient's e-mail, the right identity answer. */
    static final String EMAIL = DemoClinic.PATIENT.email();

    MutableClock clock;
    DemoClinic clinic;
    SelfServiceServer server;

    @BeforeEach
    void startPage() {
        clock = MutableClock.of(NOW, DemoClinic.ZONE);
        clinic = DemoClinic.open(clock, "");
        server = SelfServiceServer.builder(clinic.selfService()).clock(clock).port(0).build().start();
    }

    @AfterEach
    void stopPage() {
        server.stop();
        clinic.close();
    }
}
