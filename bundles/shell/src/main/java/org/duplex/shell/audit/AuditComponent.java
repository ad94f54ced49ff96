package org.duplex.shell.audit;

import java.nio.file.Path;
import java.util.List;

import org.duplex.api.admin.AuditEntry;
import org.duplex.api.admin.AuditLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thin DS wiring: the node's {@link AuditFile} at {@code ${karaf.data}/duplex/audit.log}, keeping the latest
 * {@value #CAPACITY} entries, as the AuditLog service (written by the shell listener and the REST API).
 */
@Component(service = AuditLog.class, immediate = true)
public class AuditComponent implements AuditLog {

    static final int CAPACITY = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(AuditComponent.class);

    private AuditFile file;

    @Activate
    void activate() {
        Path path = Path.of(System.getProperty("karaf.data", "data"), "duplex", "audit.log");
        file = new AuditFile(path, CAPACITY);
        LOG.info("audit log at {}", path);
    }

    @Override
    public void record(AuditEntry entry) {
        LOG.info("audit: {} from {} via {}: {} {} -> {} {}", entry.user(), entry.source(), entry.channel(),
                entry.operation(), entry.arguments(), entry.success() ? "ok" : "FAILED", entry.result());
        file.record(entry);
    }

    @Override
    public List<AuditEntry> last(int last) {
        return file.last(last);
    }
}
