package org.bookingrules.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bookingrules.testing.Fixture.ANA;
import static org.bookingrules.testing.Fixture.RECEPTION;
import static org.bookingrules.testing.Fixture.TENANT;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bookingrules.ErasureResult;
import org.bookingrules.model.Booking;
import org.bookingrules.testing.Fixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store after an erasure: other threads read and write it as before (the erasure's
 * write lock is given back).
 */
@DisplayName("In-memory store: usable from every thread after an erasure")
class InMemoryEraseTest {

    @Test
    @DisplayName("Erasure, then another thread reads and books: neither waits for the erasure")
    void otherThreadsGoOnAfterAnErasure() throws Exception {
        Fixture f = new Fixture();
        Booking booking = f.bookForAna(Duration.ofDays(3));
        assertThat(f.rules.eraseCustomer(RECEPTION, TENANT, ANA.id()).status()).isEqualTo(ErasureResult.Status.ERASED);

        CompletableFuture<Boolean> elsewhere = CompletableFuture.supplyAsync(() ->
                f.repository.find(TENANT, booking.id()).isPresent()
                        && f.rules.book(RECEPTION, Fixture.request(Fixture.BOB, Duration.ofDays(4))).isDone());

        assertThat(elsewhere.get(20, TimeUnit.SECONDS)).isTrue();
    }
}
