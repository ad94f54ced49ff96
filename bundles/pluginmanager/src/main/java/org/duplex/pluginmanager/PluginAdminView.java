package org.duplex.pluginmanager;

import java.time.Duration;
import java.util.List;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.PluginAdmin;
import org.duplex.api.admin.PluginChange;
import org.duplex.api.admin.PluginNodeState;
import org.duplex.api.admin.PluginOverview;

/** The API's {@link PluginAdmin} over {@link PluginOperations}: its values as records, its refusals naming the field. */
public final class PluginAdminView implements PluginAdmin {

    private final PluginOperations ops;

    public PluginAdminView(PluginOperations ops) {
        this.ops = ops;
    }

    @Override
    public PluginOverview plugins() {
        PluginOperations.Overview o = ops.overview();
        return new PluginOverview(o.set().version(), List.copyOf(o.set().names()), o.states().stream()
                .map(l -> new PluginNodeState(l.plugin(), l.node().value(), l.state(), l.ok(), l.detail())).toList(),
                List.copyOf(o.available()), o.availableProblem());
    }

    @Override
    public PluginChange install(String name, Duration timeout) throws AdminException, InterruptedException {
        try {
            return change(name, "install", ops.install(name, timeout));
        } catch (PluginOperations.PluginException e) {
            throw refusal(e);
        }
    }

    @Override
    public PluginChange remove(String name, Duration timeout) throws AdminException, InterruptedException {
        try {
            return change(name, "remove", ops.remove(name, timeout));
        } catch (PluginOperations.PluginException e) {
            throw refusal(e);
        }
    }

    private static PluginChange change(String name, String operation, PluginOperations.Result r) {
        return new PluginChange(name, operation, r.version(), r.allOk(), r.summary(), r.lines().stream()
                .map(l -> new PluginNodeState(name, l.node().value(), l.state(),
                        l.outcome() == PluginOperations.Outcome.OK, l.detail())).toList());
    }

    private static AdminException refusal(PluginOperations.PluginException e) {
        return switch (e.kind()) {
            case INVALID -> new AdminException(AdminException.Kind.INVALID, "name", e.getMessage());
            case UNKNOWN -> new AdminException(AdminException.Kind.NOT_FOUND, "name", e.getMessage());
            case REFUSED -> new AdminException(AdminException.Kind.REFUSED, null, e.getMessage());
        };
    }
}
