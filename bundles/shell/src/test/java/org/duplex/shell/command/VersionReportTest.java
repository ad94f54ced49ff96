package org.duplex.shell.command;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionReportTest {

    @Test
    void rendersSnapshotVersionsTheWayMavenWritesThem() {
        String text = new VersionReport("0.1.0.SNAPSHOT", "4.4.10", "17.0.15 (Debian)").render();
        assertThat(text).contains("Duplex 0.1.0-SNAPSHOT").contains("Karaf  4.4.10").contains("Java   17.0.15");
    }

    @Test
    void leavesReleaseVersionsAlone() {
        assertThat(VersionReport.mavenStyle("1.2.3")).isEqualTo("1.2.3");
    }
}
