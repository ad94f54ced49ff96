package org.duplex.plugin.backup;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.BackupAdmin;
import org.duplex.api.admin.BackupJobInfo;
import org.duplex.api.admin.BackupSnapshot;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * Thin DS wiring: the API's {@link BackupAdmin} (the REST API's backups) over {@link BackupAdminView} and the
 * plug-in's {@link BackupService}; backups and restores started through it run on threads of its own, interrupted
 * when the plug-in stops.
 */
@Component(service = BackupAdmin.class)
public class BackupAdminComponent implements BackupAdmin {

    private final ExecutorService worker = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "duplex-backup-api");
        t.setDaemon(true);
        return t;
    });
    private final BackupAdminView view;

    @Activate
    public BackupAdminComponent(@Reference BackupService service) {
        this.view = new BackupAdminView(service::registry, worker, Clock.systemUTC());
    }

    @Deactivate
    void deactivate() {
        worker.shutdownNow();
    }

    @Override
    public List<BackupJobInfo> jobs() {
        return view.jobs();
    }

    @Override
    public List<BackupSnapshot> snapshots(String job) throws AdminException, InterruptedException {
        return view.snapshots(job);
    }

    @Override
    public String run(String job) throws AdminException {
        return view.run(job);
    }

    @Override
    public String restore(String job, String snapshot, String target, Duration timeout)
            throws AdminException, InterruptedException {
        return view.restore(job, snapshot, target, timeout);
    }

    @Override
    public String restoreDatabase(String job, String snapshot, Map<String, String> overrides, Duration timeout)
            throws AdminException, InterruptedException {
        return view.restoreDatabase(job, snapshot, overrides, timeout);
    }
}
