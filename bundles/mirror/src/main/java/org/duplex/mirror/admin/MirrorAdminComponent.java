package org.duplex.mirror.admin;

import org.duplex.api.mirror.MirrorAdmin;
import org.duplex.mirror.component.MirrorRegistry;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Thin DS wiring: {@link MirrorOperations} over this node's {@link MirrorRegistry}, as the API's MirrorAdmin. */
@Component(service = MirrorAdmin.class)
public class MirrorAdminComponent extends MirrorOperations {

    @Activate
    public MirrorAdminComponent(@Reference MirrorRegistry registry) {
        super(registry);
    }
}
