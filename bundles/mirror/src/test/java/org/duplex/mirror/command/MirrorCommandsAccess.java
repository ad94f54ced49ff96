package org.duplex.mirror.command;

import org.duplex.mirror.component.MirrorRegistry;

/** Test access to the command logic. */
public final class MirrorCommandsAccess {
    private MirrorCommandsAccess() {
    }

    public static String status(MirrorRegistry registry, String name) throws org.duplex.api.admin.AdminException {
        return new MirrorCommands(registry).status(name);
    }
}
