package org.duplex.cluster.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartupRecordTest {

    @AfterEach
    void clear() {
        StartupRecord.started();
    }

    @Test
    void aFailedStartIsKeptWithItsCauseChainAndClearedByTheNextStart() {
        Exception e = new IllegalStateException("failed to start the JGroups channel on 10.0.0.1:7800",
                new IOException("bind", new BindException("Address already in use")));
        StartupRecord.failed(e, Instant.parse("2026-12-06T01:00:00Z"));

        StartupRecord.Failure f = StartupRecord.lastFailure().orElseThrow();
        assertThat(f.reason()).isEqualTo("failed to start the JGroups channel on 10.0.0.1:7800; caused by: bind; "
                + "caused by: Address already in use");
        assertThat(StartupRecord.notRunning(Optional.of(f)))
                .contains("Cluster: NOT RUNNING", "2026-12-06T01:00:00Z", "Address already in use",
                        "bundle:restart org.duplex.cluster");

        StartupRecord.started();
        assertThat(StartupRecord.lastFailure()).isEmpty();
    }

    @Test
    void withoutAFailureStatusSaysNoConfigurationIsActive() {
        assertThat(StartupRecord.notRunning(Optional.empty())).contains("NOT RUNNING", "etc/org.duplex.cluster.cfg");
    }

    @Test
    void aCauseThatOnlyRepeatsItsWrapperIsNotRepeated() {
        Exception cause = new BindException("Address already in use");
        Exception e = new RuntimeException("java.net.BindException: Address already in use", cause);
        assertThat(StartupRecord.describe(e)).isEqualTo("java.net.BindException: Address already in use");
        assertThat(StartupRecord.describe(new RuntimeException())).isEqualTo("RuntimeException");
    }
}
