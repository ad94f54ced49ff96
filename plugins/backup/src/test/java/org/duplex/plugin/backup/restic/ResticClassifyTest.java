package org.duplex.plugin.backup.restic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The reason an operator reads for a failed restic run, from restic's stderr. */
class ResticClassifyTest {

    private final Repository remote = new Repository("sftp:root@10.77.1.9:/srv/restic/web", Path.of("/etc/duplex/pw"));

    @Test
    void theFatalLineIsTheReasonEvenWhenResticPrintsItOnTheLineOfAnotherMessage() {
        // restic 0.14's stderr (last lines) when the site's sshd was killed during a backup (BackupLabIT): its Fatal
        // line follows "error while unlocking: ..." without a newline in between
        String stderr = """
                Save(<data/b70484b0dd>) returned error, retrying after 552.330144ms: Write: connection lost
                error while unlocking: ssh command exited: exit status 255Fatal: unable to save snapshot: ssh command exited: exit status 255
                error in cleanup handler: ssh command exited: exit status 255
                """;
        assertThat(Restic.classify(remote, stderr)).isEqualTo(
                "repository unreachable over sftp: Fatal: unable to save snapshot: ssh command exited: exit status 255");
    }

    @Test
    void aFatalLineOfItsOwnIsTheReason() {
        String stderr = """
                repository 1b2c3d4e opened (version 2, compression level auto)
                Fatal: unable to save snapshot: no space left on device
                """;
        assertThat(Restic.classify(remote, stderr)).isEqualTo("Fatal: unable to save snapshot: no space left on device");
    }

    @Test
    void withoutAFatalLineTheLastThreeLinesAreTheReason() {
        String stderr = "one\ntwo\nthree\nfour\n";
        assertThat(Restic.classify(remote, stderr)).isEqualTo("two / three / four");
    }
}
