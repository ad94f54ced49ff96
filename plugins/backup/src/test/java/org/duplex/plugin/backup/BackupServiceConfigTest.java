package org.duplex.plugin.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.duplex.plugin.backup.job.BackupJob;
import org.duplex.plugin.backup.job.JobRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plug-in's node-local configuration changing under a running node (the feature installs its .cfg a moment after
 * the bundle started): the jobs enabled here stay enabled. Before, the component was re-activated with an empty job
 * registry, and a job started in between was reported "not enabled here" and restarted by the engine (RestApiIT).
 */
class BackupServiceConfigTest {

    static BackupConfig config(Map<String, Object> values) {
        return (BackupConfig) Proxy.newProxyInstance(BackupConfig.class.getClassLoader(),
                new Class<?>[] {BackupConfig.class}, (proxy, m, args) -> values.containsKey(m.getName())
                        ? values.get(m.getName()) : m.getDefaultValue());
    }

    @Test
    void aChangedConfigurationKeepsTheJobsEnabledHere(@TempDir Path dir) throws Exception {
        ResticFixture f = new ResticFixture(dir);
        Map<String, Object> values = new HashMap<>(Map.of("host", "node1", "cache_dir", dir.resolve("c").toString()));
        BackupService service = new BackupService();
        service.activate(config(values));
        try {
            Map<String, String> p = f.params(f.repo.toString());
            p.put("schedule", "0 3 1 1 *");
            JobRegistry before = service.registry();
            BackupJob job = before.enable(f.spec("web", p));

            // the same settings (the installed file repeats the defaults), node host names added
            values.put("node_hosts", "node2=host2");
            service.modified(config(values));
            assertThat(service.registry()).isSameAs(before);
            assertThat(service.registry().active("web")).containsSame(job);
            assertThat(job.enabled()).isTrue();

            // a setting the registry is built from: a new registry, the job enabled there again
            values.put("retry_seconds", 60L);
            service.modified(config(values));
            assertThat(service.registry()).isNotSameAs(before);
            assertThat(service.registry().active("web")).hasValueSatisfying(j -> {
                assertThat(j.enabled()).isTrue();
                assertThat(j.spec()).isEqualTo(job.spec());
            });
            assertThat(job.enabled()).as("the old registry's job is disabled").isFalse();
        } finally {
            service.deactivate();
        }
    }
}
