package org.duplex.api.backup;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Describes how to take a consistent backup stream of a resource of one type (a database server) and how to
 * restore one, as commands: the backup plug-in runs the dump command on the node where the resource is active and
 * pipes its standard output into its repository, and pipes a stored stream into the restore command. Registered
 * as a service with {@link #RESOURCE_TYPE} = the resource type it serves ({@code postgresql}).
 */
@ConsumerType
public interface BackupSource {

    /** The service property naming the resource type. */
    String RESOURCE_TYPE = "resource.type";

    /** The resource type whose resources it can back up. */
    String resourceType();

    /** The modes it offers, the default first (for example {@code dump}, a logical dump). */
    List<String> modes();

    /**
     * What is wrong with a request, each problem naming the parameter (the resource's or the job's); empty when
     * {@link #dump} and {@link #restore} can be built from it.
     */
    List<String> validate(StreamRequest request);

    /** The command whose standard output is the backup stream. Called only for a request that validated. */
    StreamCommand dump(StreamRequest request);

    /**
     * The command that reads a stream written by {@link #dump} in the same mode on standard input and restores it
     * into the server {@code request.resourceParams()} describe (which may be another server than the one
     * dumped: a fresh one to restore into).
     */
    StreamCommand restore(StreamRequest request);

    /**
     * @param resourceParams the parameters of the resource (its server: port, socket, data directory, user ...)
     * @param mode           one of {@link #modes()}
     * @param options        the backup job's own options for this source ({@code database-name} ...)
     */
    record StreamRequest(Map<String, String> resourceParams, String mode, Map<String, String> options) {
        public StreamRequest {
            resourceParams = Map.copyOf(resourceParams);
            options = Map.copyOf(options);
        }
    }

    /**
     * One command with the environment it needs (a password travels here, never in {@code argv}).
     *
     * @param argv        the program and its arguments; no shell
     * @param environment added to the caller's environment
     * @param fileName    the name the stream has inside a snapshot ({@code postgresql-app.dump})
     * @param description one line for logs and status ({@code pg_dump -Fc of app on /run/pg:5432})
     */
    record StreamCommand(List<String> argv, Map<String, String> environment, String fileName, String description) {
        public StreamCommand {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
        }

        @Override
        public String toString() {
            return description; // never the environment: it may hold a password
        }
    }
}
