package org.duplex.cluster.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What a node's build speaks on the cluster channel: a protocol level (an integer that grows when a build adds a
 * message field, a message type or a configuration field that older builds must not drop) and the Duplex version
 * it is, for the operator.
 *
 * <p>Levels: 1 = builds before levels existed (strict JSON: they reject any field they do not know, so they cannot
 * run beside any later build); 2 = first level that advertises itself in Hello, ignores unknown message fields and
 * types, and carries {@code requires} in the replicated configuration. A level-gated addition raises the level; a
 * configuration using it carries {@code requires} = that level, which no node below it adopts (see
 * {@link org.duplex.cluster.core.ClusterCore}).
 *
 * @param level protocol level, {@code >= 1}
 * @param build the Duplex version, for messages ("0.1.0"); never empty
 */
public record ProtocolVersion(int level, String build) {

    /** Builds that predate levels (no {@code proto} in their Hello). */
    public static final int LEGACY = 1;

    /** This build: read from a resource the build fills in, so an N+1 build differs only by its properties. */
    public static final ProtocolVersion CURRENT = load();

    public ProtocolVersion {
        if (level < LEGACY) {
            throw new IllegalArgumentException("protocol level must be >= 1, was " + level);
        }
        build = build == null || build.isBlank() ? "unknown" : build;
    }

    /** A peer's version from its Hello fields: level 0 (absent) is a legacy build. */
    public static ProtocolVersion ofHello(int level, String build) {
        return new ProtocolVersion(Math.max(level, LEGACY), level < 2 && (build == null || build.isBlank())
                ? "before 0.1.0 levels" : build);
    }

    @Override
    public String toString() {
        return "level " + level + " (Duplex " + build + ")";
    }

    private static ProtocolVersion load() {
        Properties p = new Properties();
        try (InputStream in = ProtocolVersion.class.getResourceAsStream("protocol.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
        String level = p.getProperty("level", "2").trim();
        String build = p.getProperty("build", "unknown").trim();
        try {
            return new ProtocolVersion(Integer.parseInt(level), build.startsWith("${") ? "unknown" : build);
        } catch (NumberFormatException e) {
            // an unfiltered resource (an IDE build): this source tree's level
            return new ProtocolVersion(2, "unknown");
        }
    }
}
