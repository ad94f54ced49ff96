package org.duplex.shell.command;

import java.util.Objects;

/**
 * What {@code ha:version} prints: the Duplex, Karaf and Java versions of this node.
 *
 * @param duplex the Duplex bundle version
 * @param karaf  the Karaf version the node runs on
 * @param java   the Java runtime version and vendor
 */
public record VersionReport(String duplex, String karaf, String java) {

    public VersionReport {
        Objects.requireNonNull(duplex, "duplex");
        Objects.requireNonNull(karaf, "karaf");
        Objects.requireNonNull(java, "java");
    }

    /** OSGi writes snapshot versions as 0.1.0.SNAPSHOT; operators know them as 0.1.0-SNAPSHOT. */
    static String mavenStyle(String osgiVersion) {
        return osgiVersion.endsWith(".SNAPSHOT")
                ? osgiVersion.substring(0, osgiVersion.length() - ".SNAPSHOT".length()) + "-SNAPSHOT"
                : osgiVersion;
    }

    public String render() {
        return "Duplex " + mavenStyle(duplex) + System.lineSeparator()
                + "Karaf  " + karaf + System.lineSeparator()
                + "Java   " + java;
    }
}
