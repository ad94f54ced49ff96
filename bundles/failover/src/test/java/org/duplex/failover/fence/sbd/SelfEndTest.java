package org.duplex.failover.fence.sbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class SelfEndTest {

    @Test
    void theProcessEndsRightAfterTheStopsFinish() {
        List<String> events = new CopyOnWriteArrayList<>();
        new SelfEnd(() -> events.add("stopped"), Duration.ofMinutes(10), why -> events.add("end: " + why))
                .accept("pill");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
        assertThat(events).containsExactly("stopped", "end: pill");
    }

    @Test
    void aStopThatHangsDoesNotKeepTheProcessPastTheBound() throws InterruptedException {
        CountDownLatch never = new CountDownLatch(1);
        List<String> events = new CopyOnWriteArrayList<>();
        new SelfEnd(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                events.add("stop interrupted");
            }
        }, Duration.ofMillis(100), why -> events.add("end: " + why)).accept("pill");
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("end: pill"));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("stop interrupted"));
    }
}
