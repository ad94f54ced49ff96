package org.duplex.web;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;

import org.duplex.api.mirror.MirrorAdmin;

/**
 * The mirror's routes under {@value #PREFIX} (the {@code ha:mirror-*} commands over REST), served by {@link RestApi}
 * after it has authenticated the request, checked the role and the volume's name: this class checks the body,
 * calls this node's {@link MirrorAdmin} and audits every operation as {@code mirror-VERB}. The mirror is a feature
 * of its own ({@code duplex-mirror}): without it there is no MirrorAdmin and every route answers 503 saying so.
 */
final class MirrorRoutes {

    static final String PREFIX = "/mirror/";

    /** Reads are a viewer's; every operation is an admin's, as in the shell's ACL for ha:mirror-* (issue 15 gives
     * operators switchover, standby, cleanup and backups; resuming writes can lose them). */
    static final List<RestApi.Route> ROUTES = List.of(
            new RestApi.Route("GET", "/mirror/volumes", Role.VIEWER, false),
            new RestApi.Route("GET", "/mirror/volumes/{volume}", Role.VIEWER, false),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/verify", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/connect", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/disconnect", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/resume-io", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/promote", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/demote", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/invalidate", Role.ADMIN, true),
            new RestApi.Route("POST", "/mirror/volumes/{volume}/resolve-split-brain", Role.ADMIN, true));

    private final RestApi api;
    private final Supplier<MirrorAdmin> mirror;

    MirrorRoutes(RestApi api, Supplier<MirrorAdmin> mirror) {
        this.api = api;
        this.mirror = mirror;
    }

    /** The audit's name of a mirror route: {@code mirror-promote}, ... (the shell's command without {@code ha:}). */
    static String operation(RestApi.Route route) {
        return "mirror-" + route.template().substring(route.template().lastIndexOf('/') + 1);
    }

    private MirrorAdmin mirror() throws RestApi.ApiError {
        MirrorAdmin m = mirror.get();
        if (m == null) {
            throw new RestApi.ApiError(503, null, "the mirror is not running on this node (feature:install "
                    + "duplex-mirror; ha:mirror-create configures a volume)");
        }
        return m;
    }

    /** {@code volume}: the path's {volume}, already checked as a name. */
    ApiResponse handle(RestApi.Route route, String volume, TokenStore.Session session, ApiRequest r)
            throws RestApi.ApiError {
        String operation = operation(route);
        switch (route.template()) {
            case "/mirror/volumes" -> {
                return api.ok(api.call(() -> mirror().volumes()));
            }
            case "/mirror/volumes/{volume}" -> {
                return api.ok(api.call(() -> mirror().volume(volume)));
            }
            case "/mirror/volumes/{volume}/verify" -> {
                api.object(r, Set.of());
                return api.mutate(session, r, operation, "volume=" + volume, () -> mirror().verify(volume));
            }
            case "/mirror/volumes/{volume}/connect" -> {
                api.object(r, Set.of());
                return api.mutate(session, r, operation, "volume=" + volume, () -> mirror().connect(volume));
            }
            case "/mirror/volumes/{volume}/disconnect" -> {
                api.object(r, Set.of());
                return api.mutate(session, r, operation, "volume=" + volume, () -> mirror().disconnect(volume));
            }
            case "/mirror/volumes/{volume}/resume-io" -> {
                JsonNode body = api.object(r, Set.of("force"));
                if (!RestApi.flag(body, "force")) {
                    throw new RestApi.ApiError(400, "force", "force must be true: resuming writes on a primary "
                            + "whose peer is not confirmed Outdated loses them if that peer is promoted later; power "
                            + "the peer node off first, then send {\"force\": true}");
                }
                return api.mutate(session, r, operation, "volume=" + volume + " force",
                        () -> mirror().resumeIo(volume, true));
            }
            case "/mirror/volumes/{volume}/promote" -> {
                JsonNode body = api.object(r, Set.of("epoch", "force"));
                Long epoch = epoch(body);
                boolean force = RestApi.flag(body, "force");
                String args = "volume=" + volume + (epoch == null ? "" : " epoch=" + epoch) + (force ? " force" : "");
                return api.mutate(session, r, operation, args, () -> mirror().promote(volume, epoch, force));
            }
            case "/mirror/volumes/{volume}/demote" -> {
                api.object(r, Set.of());
                return api.mutate(session, r, operation, "volume=" + volume, () -> mirror().demote(volume));
            }
            case "/mirror/volumes/{volume}/invalidate" -> {
                api.object(r, Set.of());
                return api.mutate(session, r, operation, "volume=" + volume, () -> mirror().invalidate(volume));
            }
            case "/mirror/volumes/{volume}/resolve-split-brain" -> {
                JsonNode body = api.object(r, Set.of("discardLocal"));
                boolean discardLocal = RestApi.flag(body, "discardLocal");
                return api.mutate(session, r, operation, "volume=" + volume + (discardLocal ? " discardLocal" : ""),
                        () -> mirror().resolveSplitBrain(volume, discardLocal));
            }
            default -> throw new IllegalStateException("mirror route without handler: " + route);
        }
    }

    /** The optional fencing epoch: a whole number from 0 (absent or null: the cluster's current one). */
    private static Long epoch(JsonNode body) throws RestApi.ApiError {
        JsonNode v = body.get("epoch");
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw new RestApi.ApiError(400, "epoch", "epoch must be a whole number from 0 (the fencing epoch, "
                    + "GET /api/v1/status), not " + (v.isNumber() ? v.asText() : v.getNodeType().name()
                    .toLowerCase()));
        }
        return v.longValue();
    }
}
