package org.duplex.api.status;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A part of the operator's one-screen overview ({@code ha:status}), registered as an OSGi service by the bundle
 * that knows the state (the failover engine shows groups and bound monitors; a plug-in may show its own). The
 * cluster bundle prints every registered section after its own, ordered by {@link #order()}.
 */
@ConsumerType
public interface StatusSection {

    /** Where the section goes: lower first (the failover engine uses 100). */
    int order();

    /**
     * The section's text: a heading line, then lines a tired operator can act on; empty when there is nothing to
     * show. Must return quickly and not throw (a section that throws is shown as such, the rest still prints).
     */
    String render();
}
