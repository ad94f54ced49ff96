package org.duplex.plugin.backup;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.admin.ResourceInfo;
import org.duplex.plugin.backup.job.JobRegistry;
import org.duplex.plugin.backup.restic.Restic;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Thin wiring: the node's {@link JobRegistry}, built from the plug-in's configuration, shared by the agent, the
 * status section and the commands. The failover bundle's view of the configured resources (optional, the same list
 * {@code ha:resource-show} and the REST API read) tells which backup jobs exist elsewhere.
 */
@Component(service = BackupService.class, configurationPid = BackupService.PID)
@Designate(ocd = BackupConfig.class)
public class BackupService {

    public static final String PID = "org.duplex.plugin.backup";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FailoverAdmin failover;

    private JobRegistry registry;

    @Activate
    void activate(BackupConfig config) throws Exception {
        String host = config.host().isBlank() ? InetAddress.getLocalHost().getHostName() : config.host();
        Path cache = Path.of(config.cache_dir());
        if (!cache.isAbsolute()) {
            cache = Path.of(System.getProperty("karaf.home", ".")).resolve(cache);
        }
        Restic restic = new Restic(config.restic(), cache, Duration.ofSeconds(config.stop_grace_seconds()));
        registry = new JobRegistry(restic, Clock.systemUTC(), host, Duration.ofSeconds(config.retry_seconds()),
                this::configuredJobs);
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        registry.close();
    }

    public JobRegistry registry() {
        return registry;
    }

    private Map<String, Map<String, String>> configuredJobs() {
        FailoverAdmin admin = failover;
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        if (admin == null) {
            return m;
        }
        for (ResourceInfo r : admin.resources()) {
            if (BackupAgent.TYPE.equals(r.type())) {
                m.put(r.id(), r.params());
            }
        }
        return m;
    }
}
