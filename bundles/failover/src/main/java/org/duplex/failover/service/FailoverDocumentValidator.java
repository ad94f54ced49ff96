package org.duplex.failover.service;

import java.util.List;

import org.duplex.api.cluster.DocumentValidator;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.duplex.failover.replicated.FailoverDocument;
import org.osgi.service.component.annotations.Component;

/**
 * Lets the cluster refuse a configuration import whose failover sections this bundle could not use (a bad
 * duration, an unknown on-fail, a group naming a missing resource), with the reason, before it is committed.
 */
@Component(service = DocumentValidator.class,
        property = DocumentValidator.DOCUMENT + "=" + ReplicatedDocuments.FAILOVER)
public class FailoverDocumentValidator implements DocumentValidator {

    @Override
    public List<String> problems(String json) {
        try {
            FailoverDocument.read(json);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of("failover sections: " + e.getMessage());
        }
    }
}
