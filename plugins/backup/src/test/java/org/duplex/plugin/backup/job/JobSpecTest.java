package org.duplex.plugin.backup.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class JobSpecTest {

    @Test
    void aWorkedExampleParses() {
        JobSpec s = JobSpec.parse("web-data", Map.of("paths", "/srv/web, /etc/web", "repository",
                "sftp:backup@10.0.0.9:/srv/restic/web", "password-file", "/etc/duplex/backup.pw", "schedule",
                "0 2 * * *", "keep-daily", "7", "keep-weekly", "4", "max-age", "26h")).orThrow();
        assertThat(s.paths()).hasSize(2);
        assertThat(s.repository().isRemote()).isTrue();
        assertThat(s.retention().resticArgs()).containsExactly("--keep-daily", "7", "--keep-weekly", "4");
        assertThat(s.maxAge()).hasHours(26);
    }

    @Test
    void everyBadParameterIsNamed() {
        JobSpec.Parsed p = JobSpec.parse("j", Map.of("paths", "relative/dir", "repository", "s3:bucket",
                "schedule", "0 2 * *", "keep-last", "-1", "max-age", "soon", "init", "yes"));
        assertThat(p.spec()).isEmpty();
        assertThat(p.problems()).anyMatch(m -> m.startsWith("paths: 'relative/dir'"))
                .anyMatch(m -> m.startsWith("repository: 's3:bucket'"))
                .anyMatch(m -> m.startsWith("password-file: required"))
                .anyMatch(m -> m.contains("needs 5 fields"))
                .anyMatch(m -> m.startsWith("keep-last:"))
                .anyMatch(m -> m.startsWith("max-age:"))
                .anyMatch(m -> m.startsWith("init:"));
    }
}
