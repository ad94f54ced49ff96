package org.duplex.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

class DeadlineTest {

    @Test
    void keepsAMarginToAnswerWithin() {
        assertThat(Deadline.within(Duration.ofSeconds(5)).budget()).isEqualTo(Duration.ofMillis(4800));
        assertThat(Deadline.within(Duration.ofSeconds(1)).budget()).isEqualTo(Duration.ofMillis(900));
        assertThat(Deadline.within(Duration.ZERO).budget()).isEqualTo(Duration.ofNanos(1));
    }

    @Test
    void aStepThatNeverReturnsIsAbandonedAtTheDeadline() {
        CountDownLatch never = new CountDownLatch(1);
        Deadline d = Deadline.within(Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> d.call("test-stuck", () -> {
            never.await();
            return 1;
        })).isInstanceOf(TimeoutException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(took).isGreaterThanOrEqualTo(d.budget()).isLessThan(Duration.ofSeconds(2)); // loose: busy CI
    }

    @Test
    void returnsTheValueAndPassesIoErrorsThrough() throws Exception {
        Deadline d = Deadline.within(Duration.ofSeconds(5));
        assertThat(d.call("test-ok", () -> 42)).isEqualTo(42);
        assertThatThrownBy(() -> d.call("test-io", () -> {
            throw new IOException("disk on fire");
        })).isInstanceOf(IOException.class).hasMessage("disk on fire");
    }
}
