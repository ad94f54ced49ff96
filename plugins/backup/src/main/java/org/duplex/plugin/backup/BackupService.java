package org.duplex.plugin.backup;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.duplex.api.admin.ClusterAdmin;
import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.admin.ResourceInfo;
import org.duplex.api.backup.BackupSource;
import org.duplex.plugin.backup.job.DatabaseSources;
import org.duplex.plugin.backup.job.JobRegistry;
import org.duplex.plugin.backup.job.JobSpec;
import org.duplex.plugin.backup.restic.Restic;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackupService.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile FailoverAdmin failover;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ClusterAdmin cluster;

    private final Map<String, BackupSource> sources = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile JobRegistry registry;
    /** What {@link #registry} was built from (restic, cache, host, retry, stop grace). */
    private String built;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addSource(BackupSource source) {
        sources.put(source.resourceType(), source);
    }

    void removeSource(BackupSource source) {
        sources.remove(source.resourceType(), source);
    }

    @Activate
    void activate(BackupConfig config) throws Exception {
        build(config);
    }

    /**
     * A changed configuration keeps the job registry, and with it the jobs enabled here and their running backups:
     * without this, the configuration file the feature installs (read by fileinstall a moment after the bundle
     * started) re-activated the component with an empty registry, and a job started in between was reported "not
     * enabled here" at its first monitor and restarted by the engine, cancelling its backup. Only a change of what
     * the registry is built from (restic, cache, host, retry, stop grace) builds a new one, with the same jobs
     * enabled again.
     */
    @Modified
    void modified(BackupConfig config) throws Exception {
        if (settings(config).equals(built)) {
            registry.deadHosts(deadNodes(config));
            return;
        }
        java.util.List<JobSpec> enabled = registry.enabledSpecs();
        registry.close();
        build(config);
        for (JobSpec spec : enabled) {
            registry.enable(spec);
        }
        LOG.info("backup plug-in: configuration changed; restic runs as configured now, {} job(s) enabled again",
                enabled.size());
    }

    private static String settings(BackupConfig c) {
        return String.join("\n", c.restic(), c.cache_dir(), c.host(), String.valueOf(c.retry_seconds()),
                String.valueOf(c.stop_grace_seconds()));
    }

    private void build(BackupConfig config) throws Exception {
        String host = config.host().isBlank() ? InetAddress.getLocalHost().getHostName() : config.host();
        Path cache = Path.of(config.cache_dir());
        if (!cache.isAbsolute()) {
            cache = Path.of(System.getProperty("karaf.home", ".")).resolve(cache);
        }
        Restic restic = new Restic(config.restic(), cache, Duration.ofSeconds(config.stop_grace_seconds()));
        JobRegistry r = new JobRegistry(restic, Clock.systemUTC(), host, Duration.ofSeconds(config.retry_seconds()),
                this::configuredJobs, this::resolveDatabase);
        r.deadHosts(deadNodes(config));
        registry = r;
        built = settings(config);
    }

    private DeadNodes deadNodes(BackupConfig config) {
        Map<String, String> hosts;
        try {
            hosts = NodeHosts.parse(config.node_hosts());
        } catch (IllegalArgumentException e) {
            LOG.error("backup plug-in: {} in etc/{}.cfg; ignored, so locks of dead nodes wait for restic's 30 "
                    + "minutes", e.getMessage(), PID);
            hosts = Map.of();
        }
        return new DeadNodes(hosts, () -> {
            ClusterAdmin c = cluster;
            return c == null ? null : c.status();
        });
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        registry.close();
    }

    public JobRegistry registry() {
        return registry;
    }

    /** The database resource a job names, from the cluster configuration, and the plug-in that dumps its type. */
    private DatabaseSources.Resolved resolveDatabase(String id) {
        FailoverAdmin admin = failover;
        if (admin == null) {
            throw new IllegalArgumentException("database " + id + ": the failover service is not running here, so "
                    + "the resource's parameters are unknown");
        }
        ResourceInfo r = admin.resources().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("database " + id + ": no such resource in the "
                        + "cluster configuration (ha:resource-list shows them)"));
        BackupSource source = sources.get(r.type());
        if (source == null) {
            throw new IllegalArgumentException("database " + id + ": it is a resource of type " + r.type()
                    + ", and no installed plug-in offers backups of that type (installed: "
                    + (sources.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(sources.keySet())))
                    + ")");
        }
        return new DatabaseSources.Resolved(id, r.type(), r.params(), source);
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
