package org.duplex.failover.admin;

import java.util.List;

import org.duplex.api.admin.AdminException;
import org.duplex.api.admin.FailoverAdmin;
import org.duplex.api.admin.GroupInfo;
import org.duplex.api.admin.HistoryEntry;
import org.duplex.api.admin.ResourceInfo;
import org.duplex.api.admin.SimulationRequest;
import org.duplex.api.admin.SimulationResult;
import org.duplex.api.admin.SwitchoverOutcome;
import org.duplex.failover.service.FailoverService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Thin DS wiring: {@link AdminView} over the running {@link FailoverService}, as the API's FailoverAdmin. */
@Component(service = FailoverAdmin.class)
public class AdminComponent implements FailoverAdmin {

    private final AdminView view;

    @Activate
    public AdminComponent(@Reference FailoverService service) {
        this.view = new AdminView(service);
    }

    @Override
    public List<GroupInfo> groups() {
        return view.groups();
    }

    @Override
    public List<ResourceInfo> resources() {
        return view.resources();
    }

    @Override
    public List<HistoryEntry> history(String group, int last) {
        return view.history(group, last);
    }

    @Override
    public SwitchoverOutcome switchover(String group, String node) throws AdminException {
        return view.switchover(group, node);
    }

    @Override
    public SwitchoverOutcome switchover(String group, String node, boolean reorder, String user)
            throws AdminException {
        return view.switchover(group, node, reorder, user);
    }

    @Override
    public String clearPlacement(String group, String user) throws AdminException {
        return view.clearPlacement(group, user);
    }

    @Override
    public int cleanup(String resource) throws AdminException {
        return view.cleanup(resource);
    }

    @Override
    public String configuration() {
        return view.configuration();
    }

    @Override
    public SimulationResult simulate(SimulationRequest request) throws AdminException {
        return view.simulate(request);
    }

    @Override
    public List<org.duplex.api.admin.MonitorInfo> monitors() {
        return view.monitors();
    }

    @Override
    public String addMonitor(org.duplex.api.admin.MonitorRequest request) throws AdminException {
        return view.addMonitor(request);
    }

    @Override
    public String removeMonitor(String name) throws AdminException {
        return view.removeMonitor(name);
    }
}
