package org.bookingrules.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.bookingrules.spi.BookingNotifier;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Outbox relay settings")
class OutboxRelayBuilderTest {

    private static OutboxRelay.Builder valid() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:never-opened");
        return OutboxRelay.builder().dataSource(ds).notifier(BookingNotifier.NONE);
    }

    @ParameterizedTest(name = "after {0} failed attempts: wait {1}")
    @CsvSource({"1, PT30S", "2, PT1M", "3, PT2M", "4, PT4M", "7, PT32M", "8, PT1H", "9, PT1H", "1000, PT1H"})
    @DisplayName("The backoff starts at 30 s, doubles per failed attempt and stops at 1 h by default")
    void defaultBackoffDoublesUpToTheCap(int failedAttempts, Duration expected) {
        assertThat(valid().build().backoff(failedAttempts)).isEqualTo(expected);
    }

    @Test
    @DisplayName("A custom backoff doubles from its initial value up to its maximum")
    void customBackoff() {
        OutboxRelay relay = valid().initialBackoff(Duration.ofSeconds(1)).maxBackoff(Duration.ofSeconds(5)).build();

        assertThat(relay.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(relay.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(relay.backoff(4)).isEqualTo(Duration.ofSeconds(5));
        assertThat(relay.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    @DisplayName("The data source and the notifier are required")
    void requiresDataSourceAndNotifier() {
        assertThatThrownBy(() -> OutboxRelay.builder().notifier(BookingNotifier.NONE).build())
                .isInstanceOf(NullPointerException.class).hasMessage("dataSource");
        assertThatThrownBy(() -> OutboxRelay.builder().dataSource(new JdbcDataSource()).build())
                .isInstanceOf(NullPointerException.class).hasMessage("notifier");
    }

    @Test
    @DisplayName("A bad setting fails at once, naming the setting and the value")
    void rejectsBadSettings() {
        assertThatThrownBy(() -> valid().batchSize(0)).hasMessageContaining("batchSize").hasMessageContaining("0");
        assertThatThrownBy(() -> valid().batchSize(10_001)).hasMessageContaining("batchSize")
                .hasMessageContaining("10001");
        assertThatThrownBy(() -> valid().maxAttempts(0)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> valid().initialBackoff(Duration.ZERO)).hasMessageContaining("initialBackoff");
        assertThatThrownBy(() -> valid().maxBackoff(Duration.ofSeconds(-1))).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> valid().maxBackoff(Duration.ofDays(400))).hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> valid().initialBackoff(Duration.ofMinutes(2)).maxBackoff(Duration.ofMinutes(1))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBackoff");
        assertThat(valid().batchSize(1).batchSize(10_000).maxAttempts(1).build()).isNotNull();
    }

    @Test
    @DisplayName("runEvery refuses a period that is not positive")
    void runEveryNeedsPositivePeriod() {
        OutboxRelay relay = valid().build();
        java.util.concurrent.ScheduledExecutorService executor =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            assertThatThrownBy(() -> relay.runEvery(Duration.ZERO, executor))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("period");
        } finally {
            executor.shutdownNow();
        }
    }
}
