package org.duplex.plugin.backup.job;

import java.util.Map;

import org.duplex.api.backup.BackupSource;

/** Finds the database resource a job names and the plug-in ({@link BackupSource}) that can dump its type. */
@FunctionalInterface
public interface DatabaseSources {

    /** None: a node where no database plug-in is installed. */
    DatabaseSources NONE = id -> {
        throw new IllegalArgumentException("database " + id + ": no database plug-in offers backups on this node");
    };

    /**
     * @throws IllegalArgumentException naming what is missing: no such resource, or no plug-in for its type
     */
    Resolved resolve(String resourceId);

    /** The resource and the source for its type. */
    record Resolved(String resourceId, String type, Map<String, String> params, BackupSource source) {
        public Resolved {
            params = Map.copyOf(params);
        }
    }
}
