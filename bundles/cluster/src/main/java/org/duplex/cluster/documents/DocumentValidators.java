package org.duplex.cluster.documents;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.duplex.api.cluster.DocumentValidator;
import org.duplex.api.cluster.ReplicatedDocuments;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Asks the owners' {@link DocumentValidator} services about a failover document (a whiteboard: the cluster
 * knows the API's interface, not who implements it). Outside a framework, or with no owner installed, nobody
 * objects.
 */
public final class DocumentValidators {

    private DocumentValidators() {
    }

    /** The problems every validator registered for the failover document finds in {@code json}. */
    public static List<String> problems(String json) {
        Bundle bundle = FrameworkUtil.getBundle(DocumentValidators.class);
        BundleContext ctx = bundle == null ? null : bundle.getBundleContext();
        if (ctx == null) {
            return List.of();
        }
        Collection<ServiceReference<DocumentValidator>> refs;
        try {
            refs = ctx.getServiceReferences(DocumentValidator.class,
                    "(" + DocumentValidator.DOCUMENT + "=" + ReplicatedDocuments.FAILOVER + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> out = new ArrayList<>();
        for (ServiceReference<DocumentValidator> ref : refs) {
            DocumentValidator v = ctx.getService(ref);
            if (v == null) {
                continue;
            }
            try {
                out.addAll(v.problems(json));
            } finally {
                ctx.ungetService(ref);
            }
        }
        return out;
    }
}
