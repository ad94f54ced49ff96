package org.duplex.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.duplex.api.admin.AdminException;
import org.duplex.api.mirror.MirrorAdmin;
import org.duplex.api.mirror.MirrorOutcome;
import org.duplex.api.mirror.MirrorVolumeStatus;

/**
 * An in-memory MirrorAdmin behaving as the mirror bundle's does at its edges (the real one is exercised by the mirror
 * bundle's MirrorOperationsTest and RestApiIT): volumes vol0 (primary, connected) and vol1 (secondary, standalone);
 * an unknown volume is NOT_FOUND naming it, a primary refuses invalidate and discarding its changes.
 */
final class FakeMirror implements MirrorAdmin {

    private final List<String> calls;
    private final Map<String, MirrorVolumeStatus> volumes = new TreeMap<>();

    FakeMirror(List<String> calls) {
        this.calls = calls;
        volumes.put("vol0", status("vol0", "PRIMARY", "CONNECTED"));
        volumes.put("vol1", status("vol1", "SECONDARY", "STANDALONE"));
    }

    static MirrorVolumeStatus status(String name, String role, String connection) {
        boolean primary = role.equals("PRIMARY");
        boolean connected = connection.equals("CONNECTED");
        return new MirrorVolumeStatus(name, role, primary, connected ? (primary ? "SECONDARY" : "PRIMARY") : null,
                connection, "UP_TO_DATE", connected ? "UP_TO_DATE" : "UNKNOWN", true, "10.0.0.2:7789", 100.0, 0, 0,
                null, 0, new MirrorVolumeStatus.Generations("00000000000000A1", "0000000000000000",
                        "0000000000000000", "0000000000000000"), primary ? 3 : 0, false, false, null, null,
                "nbd://127.0.0.1:10809/" + name, "resource-only");
    }

    private MirrorVolumeStatus find(String volume) throws AdminException {
        MirrorVolumeStatus s = volumes.get(volume);
        if (s == null) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "volume", "no mirror volume '" + volume
                    + "' on this node (configured: " + String.join(", ", volumes.keySet()) + ")");
        }
        return s;
    }

    private MirrorOutcome done(String volume, String operation, String call, String role, String connection)
            throws AdminException {
        MirrorVolumeStatus s = find(volume);
        calls.add(call);
        MirrorVolumeStatus after = status(volume, role == null ? s.role() : role,
                connection == null ? s.connection() : connection);
        volumes.put(volume, after);
        return new MirrorOutcome(volume, operation, volume + ": " + operation + " done", after);
    }

    @Override
    public List<MirrorVolumeStatus> volumes() {
        return new ArrayList<>(volumes.values());
    }

    @Override
    public MirrorVolumeStatus volume(String volume) throws AdminException {
        return find(volume);
    }

    @Override
    public MirrorOutcome verify(String volume) throws AdminException {
        if (!find(volume).connection().equals("CONNECTED")) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "verify needs a connected, in-sync peer");
        }
        return done(volume, "verify", "mirror-verify " + volume, null, null);
    }

    @Override
    public MirrorOutcome connect(String volume) throws AdminException {
        return done(volume, "connect", "mirror-connect " + volume, null, "CONNECTING");
    }

    @Override
    public MirrorOutcome disconnect(String volume) throws AdminException {
        return done(volume, "disconnect", "mirror-disconnect " + volume, null, "STANDALONE");
    }

    @Override
    public MirrorOutcome resumeIo(String volume, boolean peerDown) throws AdminException {
        if (!peerDown) {
            throw new AdminException(AdminException.Kind.INVALID, "force", "confirm the peer is down");
        }
        return done(volume, "resume-io", "mirror-resume-io " + volume, null, null);
    }

    @Override
    public MirrorOutcome promote(String volume, Long epoch, boolean force) throws AdminException {
        return done(volume, "promote", "mirror-promote " + volume + " epoch=" + epoch + (force ? " force" : ""),
                "PRIMARY", null);
    }

    @Override
    public MirrorOutcome demote(String volume) throws AdminException {
        return done(volume, "demote", "mirror-demote " + volume, "SECONDARY", null);
    }

    @Override
    public MirrorOutcome invalidate(String volume) throws AdminException {
        if (find(volume).role().equals("PRIMARY")) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "cannot invalidate " + volume
                    + " while primary");
        }
        return done(volume, "invalidate", "mirror-invalidate " + volume, null, null);
    }

    @Override
    public MirrorOutcome resolveSplitBrain(String volume, boolean discardLocal) throws AdminException {
        if (discardLocal && find(volume).role().equals("PRIMARY")) {
            throw new AdminException(AdminException.Kind.REFUSED, null, "demote " + volume
                    + " before discarding its changes");
        }
        return done(volume, "resolve-split-brain", "mirror-resolve-split-brain " + volume
                + (discardLocal ? " discardLocal" : ""), null, "CONNECTING");
    }
}
