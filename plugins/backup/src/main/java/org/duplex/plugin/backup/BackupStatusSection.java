package org.duplex.plugin.backup;

import java.util.Map;
import java.util.Optional;

import org.duplex.api.status.StatusSection;
import org.duplex.plugin.backup.job.BackupJob;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The backup jobs in ha:status: one line each, STALE and failures spelled out. */
@Component(service = StatusSection.class)
public class BackupStatusSection implements StatusSection {

    private final BackupService service;

    @Activate
    public BackupStatusSection(@Reference BackupService service) {
        this.service = service;
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public String render() {
        Map<String, Optional<BackupJob>> all = service.registry().all();
        if (all.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("Backups (on " + service.registry().host() + "):\n");
        all.forEach((name, job) -> b.append(String.format("  %-20s %s%n", name,
                job.map(BackupJob::describe).orElse("not active on this node"))));
        return b.toString();
    }
}
